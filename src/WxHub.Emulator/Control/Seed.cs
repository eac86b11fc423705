using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Components;
using WxHub.Emulator.Json;
using WxHub.Emulator.Users;

namespace WxHub.Emulator.Control;

/// <summary>A seed document: apps, platforms and users, each written as its <c>POST /__emulator/…</c> body.</summary>
internal sealed record EmulatorSeed(
    IReadOnlyList<AppRegistration>? Apps,
    IReadOnlyList<ComponentRegistration>? Components,
    IReadOnlyList<UserRegistration>? Users);

/// <summary>Applies a seed (from <c>--seed FILE</c>, <see cref="WeChatEmulator.LoadSeed"/> or <c>POST /__emulator/seed</c>) through the same registrations as the control API.</summary>
internal sealed class Seeder(AppRegistrar apps, ComponentControl components, UserControl users)
{
    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapControl("POST", "/__emulator/seed", async http =>
        {
            var result = Apply(await ControlHttp.ReadAsync(http, EmulatorJson.Default.EmulatorSeed));
            return ControlHttp.Json(result, EmulatorJson.Default.SeedResult, StatusCodes.Status201Created);
        });

    /// <summary>Parses and applies a seed document; <see cref="InvalidDataException"/> says what is wrong and where.</summary>
    public SeedResult Apply(string json)
    {
        EmulatorSeed seed;
        try
        {
            seed = JsonSerializer.Deserialize(json, EmulatorJson.Default.EmulatorSeed) ?? throw new InvalidDataException("The seed is JSON null; it must be an object with apps, components and users.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The seed is not valid JSON: {e.Message}");
        }
        try
        {
            return Apply(seed);
        }
        catch (ControlProblem problem)
        {
            throw new InvalidDataException(problem.Message);
        }
    }

    /// <summary>Apps first (platforms and users refer to them), then platforms, then users; stops at the first bad entry.</summary>
    private SeedResult Apply(EmulatorSeed seed)
    {
        var (appList, componentList, userList) = (seed.Apps ?? [], seed.Components ?? [], seed.Users ?? []);
        foreach (var (app, i) in appList.Select((a, i) => (a, i))) Entry("apps", i, () => apps.Register(app));
        foreach (var (component, i) in componentList.Select((c, i) => (c, i))) Entry("components", i, () => components.Register(component));
        foreach (var (user, i) in userList.Select((u, i) => (u, i))) Entry("users", i, () => users.Register(user));
        return new SeedResult(appList.Count, componentList.Count, userList.Count);
    }

    private static void Entry(string list, int index, Action register)
    {
        try
        {
            register();
        }
        catch (ControlProblem problem)
        {
            throw new ControlProblem(problem.Status, problem.Error, $"{list}[{index}]: {problem.Message}");
        }
    }
}
