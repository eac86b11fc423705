using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Core.Identity;
using WxHub.Emulator;

namespace WxHub.Server.Tests.Logins;

/// <summary><c>wxhub users backfill</c> as a process, on the server's data folder, against the emulator.</summary>
public sealed class BackfillCliTests : IAsyncLifetime
{
    private LoginWorld _world = null!;

    public async Task InitializeAsync() => _world = await LoginWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task The_verb_records_every_follower_says_how_far_it_got_and_refuses_what_cannot_have_followers()
    {
        var oa = await _world.AppAsync("official_account");
        _world.Hub.Emulator.LoadSeed(new JsonObject
        {
            ["users"] = new JsonArray(Enumerable.Range(0, 250).Select(i => (JsonNode)new JsonObject { ["id"] = $"c{i}", ["apps"] = new JsonArray(oa) }).ToArray()),
        }.ToJsonString());

        var run = await WxhubAsync("users", "backfill", oa);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("recorded: 250 of 250", run.Error); // progress goes to standard error, the result to standard output
        Assert.Contains($"Done: 250 followers of {oa}", run.Output);
        Assert.Equal(250, await _world.Hub.Server.Services.GetRequiredService<IUserDirectoryStore>().CountAsync(oa));

        var mini = await _world.AppAsync("mini_program");
        var refused = await WxhubAsync("users", "backfill", mini);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("only Official Accounts have followers", refused.Error);
    }

    private Task<(int ExitCode, string Output, string Error)> WxhubAsync(params string[] args) =>
        WxhubCli.RunAsync(new Dictionary<string, string>
        {
            ["WXHUB_DATA"] = _world.Hub.DataPath,
            ["WXHUB_WECHATAPI"] = string.Join(",", AccessPointNames.All.Select(name => _world.Hub.Emulator.AccessPoints[name])),
        }, args);
}
