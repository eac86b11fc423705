using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using WxHub.Core.WeChat;
using WxHub.Server.Hosting;

namespace WxHub.Cli;

internal static class ServeCommand
{
    public static Command Create()
    {
        // No default values here: a flag only overrides appsettings.json and WXHUB_* when it is given.
        var urls = new Option<string>("--urls")
        {
            Description = $"Addresses to listen on, separated by ';' (default {WxHubSettings.DefaultUrls}; WXHUB_URLS).",
        };
        var data = new Option<string>("--data")
        {
            Description = $"Folder for the embedded store and keys (default {WxHubSettings.DefaultData}; WXHUB_DATA).",
        };

        var wechatApi = new Option<string>("--wechat-api")
        {
            Description = "WeChat API access points to call, in failover order, separated by ',' (default WeChat's own: api, api2, sh, sz, hk; WXHUB_WECHATAPI).",
        };

        var wechatPages = new Option<string>("--wechat-pages")
        {
            Description = "Base URL of WeChat's browser pages (authorization, QR login); default WeChat's own, or the --wechat-api URL when that is an emulator (WXHUB_WECHATPAGES).",
        };

        var command = new Command("serve", "Run the WxHub server.") { urls, data, wechatApi, wechatPages };
        command.SetAction(async (parse, cancellation) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (parse.GetValue(urls) is { } u) overrides["Urls"] = u;
            if (parse.GetValue(data) is { } d) overrides[nameof(WxHubSettings.Data)] = d;
            if (parse.GetValue(wechatApi) is { } w) overrides[WeChatApiOptions.AccessPointsKey] = w;
            if (parse.GetValue(wechatPages) is { } p) overrides[WeChatPagesOptions.Key] = p;

            await using var app = WxHubApplication.Build(overrides);
            await app.StartAsync(cancellation);
            await app.WaitForShutdownAsync(cancellation);
            return 0;
        });
        return command;
    }
}
