using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using WxHub.Core.WeChat;
using WxHub.Server.Hosting;

namespace WxHub.Cli;

internal static class ServeCommand
{
    private const int InvalidSettings = 2;

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

        var store = new Option<string>("--store")
        {
            Description = $"{WxHubSettings.SqliteStore} (default: embedded, one instance) or {WxHubSettings.PostgresStore} (shared by a cluster; needs --connection, WXHUB_MASTER_KEY and WXHUB_ADMIN_KEY) (WXHUB_STORE).",
        };
        var connection = new Option<string>("--connection")
        {
            Description = "PostgreSQL connection string, e.g. \"Host=db;Database=wxhub;Username=wxhub;Password=…\" (WXHUB_CONNECTION; prefer it to keep the password out of the process list).",
        };

        var wechatApi = new Option<string>("--wechat-api")
        {
            Description = "WeChat API access points to call, in failover order, separated by ',' (default WeChat's own: api, api2, sh, sz, hk; WXHUB_WECHATAPI).",
        };

        var wechatPages = new Option<string>("--wechat-pages")
        {
            Description = "Base URL of WeChat's browser pages (authorization, QR login); default WeChat's own, or the --wechat-api URL when that is an emulator (WXHUB_WECHATPAGES).",
        };

        var command = new Command("serve", "Run the WxHub server.") { urls, data, store, connection, wechatApi, wechatPages };
        command.SetAction(async (parse, cancellation) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (parse.GetValue(urls) is { } u) overrides["Urls"] = u;
            if (parse.GetValue(data) is { } d) overrides[nameof(WxHubSettings.Data)] = d;
            if (parse.GetValue(store) is { } s) overrides[nameof(WxHubSettings.Store)] = s;
            if (parse.GetValue(connection) is { } c) overrides[nameof(WxHubSettings.Connection)] = c;
            if (parse.GetValue(wechatApi) is { } w) overrides[WeChatApiOptions.AccessPointsKey] = w;
            if (parse.GetValue(wechatPages) is { } p) overrides[WeChatPagesOptions.Key] = p;

            WebApplication app;
            try
            {
                app = WxHubApplication.Build(overrides);
            }
            catch (InvalidOperationException e)
            {
                // Settings that cannot work (a missing key, an unknown store): say which, without a stack trace.
                await Console.Error.WriteLineAsync($"wxhub: {e.Message}");
                return InvalidSettings;
            }
            await using (app)
            {
                await app.StartAsync(cancellation);
                await app.WaitForShutdownAsync(cancellation);
            }
            return 0;
        });
        return command;
    }
}
