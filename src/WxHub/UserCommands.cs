using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Core.Credentials;
using WxHub.Core.Identity;
using WxHub.Core.OAuth;
using WxHub.Core.WeChat;
using WxHub.Server.Hosting;

namespace WxHub.Cli;

/// <summary><c>wxhub users …</c>: the UnionID directory, worked on in the local store.</summary>
internal static class UserCommands
{
    private const int Failed = 1;
    private const int Interrupted = 130;

    public static Command Create()
    {
        var appid = new Argument<string>("appid") { Description = "The Official Account whose followers to record." };
        var restart = new Option<bool>("--restart") { Description = "Start from the first follower even when an earlier run was interrupted." };
        var data = new Option<string>("--data") { Description = $"Data folder of the store (default {WxHubSettings.DefaultData}; WXHUB_DATA)." };
        var wechatApi = new Option<string>("--wechat-api") { Description = "WeChat API access points, separated by ',' (default WeChat's own; WXHUB_WECHATAPI)." };

        var backfill = new Command("backfill", "Record every follower of an Official Account, with its unionid, in the directory (user/get, then batchget 100 at a time). Resumes an interrupted run.")
        {
            appid, restart, data, wechatApi,
        };
        backfill.SetAction(async (parse, cancellation) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (parse.GetValue(data) is { } d) overrides[nameof(WxHubSettings.Data)] = d;
            if (parse.GetValue(wechatApi) is { } w) overrides[WeChatApiOptions.AccessPointsKey] = w;
            var configuration = new ConfigurationBuilder().AddWxHubSources(overrides).Build();
            await using var services = new ServiceCollection()
                .AddLogging()
                .AddWxHubAdministration(configuration.Get<WxHubSettings>() ?? new WxHubSettings())
                .AddWxHubCredentials(configuration)
                .AddWxHubLogins(configuration)
                .BuildServiceProvider();

            var target = parse.GetValue(appid)!;
            BackfillProgress? last = null;
            try
            {
                var result = await CliProgress.RunAsync($"Followers of {target} recorded", progress =>
                    services.GetRequiredService<FollowerBackfill>().RunAsync(target, parse.GetValue(restart), p =>
                    {
                        last = p;
                        progress(p.Recorded, p.Total);
                    }, cancellation));
                if (!result.Succeeded)
                {
                    Console.Error.WriteLine($"wxhub: {result.Problem.Message}");
                    return Failed;
                }
                Console.WriteLine($"Done: {result.Value.Recorded:N0} followers of {target} are in the directory.");
                return 0;
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                Console.Error.WriteLine($"Interrupted after {last?.Recorded ?? 0:N0} followers; run the same command again to resume.");
                return Interrupted;
            }
        });

        return new Command("users", "The UnionID directory: who is who across the organisation's apps.") { backfill };
    }
}
