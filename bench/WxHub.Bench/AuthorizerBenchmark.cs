using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using WxHub.Emulator;
using WxHub.Protocol.Crypto;
using WxHub.Testing;

namespace WxHub.Bench;

/// <summary>
/// A third-party platform with many authorizers, all in the emulator, and the real <c>wxhub serve</c> as a child
/// process (so its memory is its own): the grants restored by a sync, every authorizer token fetched, a restart that
/// must fetch nothing, and a restart with every token due, which refreshes them all through the scheduler. The
/// baseline is the bare sequence of the same <c>api_authorizer_token</c> calls by concurrent HTTP clients, storing nothing.
/// </summary>
internal static class AuthorizerBenchmark
{
    private const string AdminKey = "bench-admin-key-0123456789";
    private const string Component = "wxbenchcomponent01";
    private const string Secret = "bench-component-secret";
    private const string Token = "benchtoken";
    private const string AuthorizerToken = "/cgi-bin/component/api_authorizer_token";
    private const string Prefix = "wxbench";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = BenchArgs.Option(args, "--authorizers", 100_000);
        var rate = BenchArgs.Option(args, "--rate", 5_000);
        var concurrency = BenchArgs.Option(args, "--concurrency", 64);
        var data = Path.Combine(Path.GetTempPath(), "wxhub-bench-" + Guid.NewGuid().ToString("N"));
        var key = EncodingAesKey.Generate();
        var port = ChildServer.FreePort();

        await using var emulator = await WeChatEmulator.StartAsync(new EmulatorOptions { PushAttempts = 1 });
        using var wechat = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
        (await wechat.PostAsJsonAsync("/__emulator/components", new
        {
            component_appid = Component, secret = Secret, token = Token, encoding_aes_key = key.Value,
            event_url = $"http://127.0.0.1:{port}/wechat/component/{Component}/events", ticket_interval_seconds = 86_400,
        })).EnsureSuccessStatusCode();
        var seeding = Stopwatch.StartNew();
        (await wechat.PostAsJsonAsync($"/__emulator/components/{Component}/authorizers", new { count, prefix = Prefix })).EnsureSuccessStatusCode();
        seeding.Stop();
        var settings = new Dictionary<string, string>
        {
            ["WXHUB_WECHATAPI"] = emulator.BaseUrl.AbsoluteUri,
            ["WXHUB_Credentials__RefreshesPerSecond"] = rate.ToString(CultureInfo.InvariantCulture),
            ["WXHUB_Credentials__MaxConcurrentRefreshes"] = concurrency.ToString(CultureInfo.InvariantCulture),
            ["WXHUB_Logging__LogLevel__Default"] = "Warning",
        };

        try
        {
            // Life 1: the platform is registered, its first ticket arrives, a sync restores every grant and each token is fetched.
            TimeSpan sync, fetch;
            long firstPeak;
            using (var first = await BenchChild.StartAsync(data, port, AdminKey, settings))
            {
                (await first.Admin.PostAsJsonAsync("/v1/admin/components", new { component_appid = Component, secret = Secret, token = Token, encoding_aes_key = key.Value }))
                    .EnsureSuccessStatusCode();
                await Eventually.True(async () => (await first.Admin.GetAsync($"/v1/admin/components/{Component}")).IsSuccessStatusCode
                    && await CallsAsync(wechat, "/cgi-bin/component/api_component_token") > 0, "the platform has its component token", TimeSpan.FromMinutes(1));
                await wechat.DeleteAsync("/__emulator/stats");
                var watch = Stopwatch.StartNew();
                var report = JsonNode.Parse(await (await first.Admin.PostAsync($"/v1/admin/components/{Component}/sync", null)).Content.ReadAsStringAsync())!;
                sync = watch.Elapsed;
                if (report["added"]?.GetValue<int>() != count) throw new InvalidOperationException($"The sync restored {report}, not {count} grants.");
                await Eventually.True(async () => await CallsAsync(wechat, AuthorizerToken) >= count, "every authorizer token is fetched", TimeSpan.FromMinutes(30));
                fetch = watch.Elapsed - sync;
                firstPeak = first.PeakBytes();
                first.Kill();
            }

            // Life 2: every token is valid; start-up builds the schedule and fetches nothing. The dashboard's pages are timed meanwhile.
            DashboardTiming.NameAuthorizers(data);
            await wechat.DeleteAsync("/__emulator/stats");
            TimeSpan startup;
            long idlePeak;
            IReadOnlyList<DashboardTiming.Timing> dashboard;
            using (var second = await BenchChild.StartAsync(data, port, AdminKey, settings))
            {
                startup = second.StartedIn;
                var idle = Task.Delay(TimeSpan.FromSeconds(10));
                dashboard = await DashboardTiming.MeasureAsync(second.Admin.BaseAddress!, AdminKey, Component, Prefix, count);
                await idle;
                if (await CallsAsync(wechat, AuthorizerToken) is var calls and > 0) throw new InvalidOperationException($"A restart with every token valid fetched {calls}.");
                idlePeak = second.PeakBytes();
                second.Kill();
            }

            // Life 3: a margin longer than a token's life makes every stored token due at start-up: all are refreshed once.
            await wechat.DeleteAsync("/__emulator/stats");
            var due = new Dictionary<string, string>(settings)
            {
                ["WXHUB_Credentials__RefreshMargin"] = "03:00:00",
                ["WXHUB_Credentials__MinimumRefreshSpacing"] = "01:00:00",
            };
            TimeSpan dueStartup, refresh;
            long refreshPeak;
            using (var third = await BenchChild.StartAsync(data, port, AdminKey, due))
            {
                dueStartup = third.StartedIn;
                var watch = Stopwatch.StartNew();
                await Eventually.True(async () => await CallsAsync(wechat, AuthorizerToken) >= count, "every authorizer token is fetched", TimeSpan.FromMinutes(30));
                refresh = watch.Elapsed;
                refreshPeak = third.PeakBytes();
                third.Kill();
            }

            var baseline = await BareCallsAsync(wechat, count, concurrency);

            Console.WriteLine($"Machine: {Machine.Describe()}; load average {Machine.LoadAverage()}");
            Console.WriteLine($"Workload: {count:N0} authorizers of one platform in the emulator (seeded in {seeding.Elapsed.TotalSeconds:0.0} s), loopback HTTP, " +
                              $"SQLite in the data folder; WxHub as a child process with RefreshesPerSecond={rate}, MaxConcurrentRefreshes={concurrency}.");
            Console.WriteLine();
            Console.WriteLine("| Phase | authorizers | seconds | per second | WxHub peak RSS |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            Console.WriteLine($"| Bare api_authorizer_token calls, {concurrency} at a time, nothing stored (baseline) | {count:N0} | {baseline.TotalSeconds:0.0} | {count / baseline.TotalSeconds:0} | |");
            Console.WriteLine($"| Sync: grants restored from api_get_authorizer_list | {count:N0} | {sync.TotalSeconds:0.0} | {count / sync.TotalSeconds:0} | |");
            Console.WriteLine($"| First fetch of every authorizer token (scheduler) | {count:N0} | {fetch.TotalSeconds:0.0} | {count / fetch.TotalSeconds:0} | {Mib(firstPeak)} |");
            Console.WriteLine($"| Restart, every token valid: start-up to ready (/readyz), nothing fetched | {count:N0} | {startup.TotalSeconds:0.0} | | {Mib(idlePeak)} |");
            Console.WriteLine($"| Restart, every token due: refreshed once each (scheduler) | {count:N0} | {refresh.TotalSeconds:0.0} | {count / refresh.TotalSeconds:0} | {Mib(refreshPeak)} |");
            Console.WriteLine();
            Console.WriteLine();
            Console.WriteLine($"| Dashboard page, {count:N0} authorizers stored, every token valid | rows shown | median ms | p95 ms |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var t in dashboard) Console.WriteLine($"| {t.Page} | {t.Rows} | {t.MedianMs:0.0} | {t.P95Ms:0.0} |");
            Console.WriteLine();
            Console.WriteLine($"Start-up with every token due was ready (/readyz) in {dueStartup.TotalSeconds:0.0} s. Ratio of the scheduled refresh's time to the baseline's: {refresh / baseline:0.00}.");
            return 0;
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The same WeChat calls WxHub makes, from concurrent loopback clients, answers only checked.</summary>
    private static async Task<TimeSpan> BareCallsAsync(HttpClient wechat, int count, int concurrency)
    {
        var ticket = JsonNode.Parse(await wechat.GetStringAsync($"/__emulator/components/{Component}"))!["latest_ticket"]!.GetValue<string>();
        var componentToken = JsonNode.Parse(await (await wechat.PostAsJsonAsync("/cgi-bin/component/api_component_token",
            new { component_appid = Component, component_appsecret = Secret, component_verify_ticket = ticket })).Content.ReadAsStringAsync())!["component_access_token"]!.GetValue<string>();
        var grants = new List<(string Appid, string RefreshToken)>(count);
        for (var offset = 0; offset < count; offset += 500)
        {
            var page = JsonNode.Parse(await (await wechat.PostAsJsonAsync($"/cgi-bin/component/api_get_authorizer_list?component_access_token={componentToken}",
                new { component_appid = Component, offset, count = 500 })).Content.ReadAsStringAsync())!["list"]!.AsArray();
            grants.AddRange(page.Select(item => (item!["authorizer_appid"]!.GetValue<string>(), item["refresh_token"]!.GetValue<string>())));
        }
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < grants.Count; i = Interlocked.Increment(ref next))
            {
                var answer = await wechat.PostAsJsonAsync($"{AuthorizerToken}?component_access_token={componentToken}",
                    new { component_appid = Component, authorizer_appid = grants[i].Appid, authorizer_refresh_token = grants[i].RefreshToken });
                if (JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["authorizer_access_token"] is null) throw new InvalidOperationException("A refresh failed.");
            }
        }));
        return watch.Elapsed;
    }

    private static async Task<int> CallsAsync(HttpClient wechat, string path) =>
        JsonNode.Parse(await wechat.GetStringAsync("/__emulator/stats"))!["calls"]?[path]?[Component]?.GetValue<int>() ?? 0;

    private static string Mib(long bytes) => $"{bytes / 1024.0 / 1024.0:0} MiB";
}
