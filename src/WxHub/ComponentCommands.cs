using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Core.Components;
using WxHub.Core.Credentials;
using WxHub.Server.Hosting;

namespace WxHub.Cli;

/// <summary>
/// <c>wxhub component add|list|sync</c>: third-party platforms in the local store. <c>sync</c> calls WeChat
/// (<c>api_get_authorizer_list</c>, with the platform's stored ticket) to restore or check every authorizer's refresh
/// token; while the server runs, <c>POST /v1/admin/components/{component_appid}/sync</c> does the same and also starts
/// refreshing what it restored.
/// </summary>
internal static class ComponentCommands
{
    private const int InvalidInput = 2;
    private const int Unavailable = 3;

    private static readonly Option<string> Data = new("--data") { Description = $"Data folder of the store (default {WxHubSettings.DefaultData}; WXHUB_DATA)." };

    public static Command Create()
    {
        var appid = new Option<string>("--component-appid") { Description = "The platform's AppID.", Required = true };
        var secret = new Option<string>("--secret") { Description = "The platform's AppSecret, or '-' to read it from standard input.", Required = true };
        var token = new Option<string>("--token") { Description = "The platform's message check Token.", Required = true };
        var aesKey = new Option<string>("--encoding-aes-key") { Description = "The platform's 43-character message encryption key.", Required = true };
        var add = new Command("add", "Register a third-party platform.") { appid, secret, token, aesKey, Data };
        add.SetAction(async (parse, cancellation) =>
        {
            await using var services = Open(parse, withWeChat: false);
            var secretValue = parse.GetValue(secret) == "-" ? (await Console.In.ReadLineAsync(cancellation))?.Trim() : parse.GetValue(secret);
            var result = await services.GetRequiredService<ComponentAdministration>().AddAsync(
                new ComponentRegistrationRequest(parse.GetValue(appid), secretValue, parse.GetValue(token), parse.GetValue(aesKey)), cancellation);
            if (!result.Succeeded) return Fail(result.Message!);
            Console.WriteLine($"Registered platform {result.Value!.ComponentAppid}. Point its authorization event URL at /wechat/component/{result.Value.ComponentAppid}/events "
                + $"and its message URL at /wechat/component/{result.Value.ComponentAppid}/callback/$APPID$.");
            return 0;
        });

        var list = new Command("list", "List registered platforms.") { Data };
        list.SetAction(async (parse, cancellation) =>
        {
            await using var services = Open(parse, withWeChat: false);
            var authorizers = services.GetRequiredService<IAuthorizerStore>();
            Console.WriteLine($"{"COMPONENT APPID",-24} {"AUTHORIZED",10} {"REVOKED",8}");
            foreach (var component in await services.GetRequiredService<IComponentStore>().ListAsync(cancellation))
            {
                var active = await authorizers.CountAsync(component.ComponentAppid, AuthorizerStatus.Authorized, cancellation);
                var revoked = await authorizers.CountAsync(component.ComponentAppid, AuthorizerStatus.Revoked, cancellation);
                Console.WriteLine($"{component.ComponentAppid,-24} {active,10} {revoked,8}");
            }
            return 0;
        });

        var syncId = new Argument<string>("component_appid") { Description = "The platform's AppID." };
        var sync = new Command("sync", "Restore or check every authorizer's refresh token from WeChat's authorizer list.") { syncId, Data };
        sync.SetAction(async (parse, cancellation) =>
        {
            await using var services = Open(parse, withWeChat: true);
            var componentAppid = parse.GetValue(syncId)!;
            var report = await CliProgress.RunAsync($"Authorizers of {componentAppid} listed by WeChat", progress =>
                services.GetRequiredService<AuthorizerSync>().SyncAsync(componentAppid, cancellation, (listed, total) => progress(listed, total)));
            if (!report.Succeeded)
            {
                Console.Error.WriteLine($"wxhub: {report.Problem.Message}");
                return report.Problem.Kind == WxHub.Core.ProblemKind.NotFound ? InvalidInput : Unavailable;
            }
            var r = report.Value;
            Console.WriteLine($"{r.Total} listed by WeChat: {r.Added} added, {r.Replaced} refresh tokens replaced, {r.Unchanged} unchanged, {r.Revoked} ended.");
            return 0;
        });

        return new Command("component", "Register, list and sync third-party platforms in the local store.") { add, list, sync };
    }

    /// <param name="withWeChat">Also the credential manager and the WeChat client (for sync), configured as the server is.</param>
    private static ServiceProvider Open(ParseResult parse, bool withWeChat)
    {
        var overrides = new Dictionary<string, string?>();
        if (parse.GetValue(Data) is { } data) overrides[nameof(WxHubSettings.Data)] = data;
        var configuration = new ConfigurationBuilder().AddWxHubSources(overrides).Build();
        var services = new ServiceCollection().AddWxHubAdministration(configuration.Get<WxHubSettings>() ?? new WxHubSettings());
        if (withWeChat) services.AddLogging().AddWxHubCredentials(configuration).AddWxHubComponents(configuration);
        return services.BuildServiceProvider();
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"wxhub: {message}");
        return InvalidInput;
    }
}
