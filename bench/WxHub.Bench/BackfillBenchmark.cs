using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Core.Identity;
using WxHub.Emulator;
using WxHub.Server.Hosting;

namespace WxHub.Bench;

/// <summary>
/// The follower backfill of an Official Account in the emulator: stopped part-way (as at Ctrl-C), then resumed to the
/// end, through the real server's services and the emulator over loopback HTTP. The baseline is the bare walk of the
/// same WeChat calls (user/get pages, batchget by 100) with one HTTP client and nothing stored, in the same run.
/// </summary>
internal static class BackfillBenchmark
{
    private const string AdminKey = "bench-admin-key-0123456789";
    private const string Appid = "wxbenchfollowers1";
    private const string Secret = "bench-followers-secret";

    public static async Task<int> RunAsync(string[] args)
    {
        var followers = Option(args, "--followers", 50_000);
        var stopAt = Option(args, "--stop-at", followers * 2 / 5 / 100 * 100);
        var data = Path.Combine(Path.GetTempPath(), "wxhub-bench-" + Guid.NewGuid().ToString("N"));

        await using var emulator = await WeChatEmulator.StartAsync();
        var seeding = Stopwatch.StartNew();
        emulator.LoadSeed(Seed(followers));
        seeding.Stop();

        var app = WxHubApplication.Build(new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Data"] = data,
            ["AdminKey"] = AdminKey,
            ["WeChatApi"] = emulator.BaseUrl.AbsoluteUri,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await app.StartAsync();
        try
        {
            var hub = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            using var admin = new HttpClient { BaseAddress = hub };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            (await admin.PostAsJsonAsync("/v1/admin/apps", new { appid = Appid, secret = Secret, type = "official_account" })).EnsureSuccessStatusCode();

            using var wechat = new HttpClient { BaseAddress = emulator.BaseUrl };
            var baseline = await BareWalkAsync(wechat);
            await wechat.DeleteAsync("/__emulator/stats");

            var backfill = app.Services.GetRequiredService<FollowerBackfill>();
            using var stop = new CancellationTokenSource();
            var first = Stopwatch.StartNew();
            try
            {
                await backfill.RunAsync(Appid, restart: false, p => { if (p.Recorded >= stopAt) stop.Cancel(); }, stop.Token);
                throw new InvalidOperationException("The first run was meant to be stopped part-way.");
            }
            catch (OperationCanceledException)
            {
                first.Stop();
            }
            var interrupted = await app.Services.GetRequiredService<IBackfillStore>().GetAsync(Appid) ?? throw new InvalidOperationException("No progress saved.");

            var second = Stopwatch.StartNew();
            var resumed = await backfill.RunAsync(Appid, restart: false, null, CancellationToken.None);
            second.Stop();
            if (!resumed.Succeeded) throw new InvalidOperationException(resumed.Problem.Message);
            var recorded = await app.Services.GetRequiredService<IUserDirectoryStore>().CountAsync(Appid);
            if (recorded != followers) throw new InvalidOperationException($"The directory holds {recorded} followers, not {followers}.");

            var stats = JsonNode.Parse(await wechat.GetStringAsync("/__emulator/stats"))!["calls"]!;
            int Calls(string path) => stats[path]?[Appid]?.GetValue<int>() ?? 0;
            var total = first.Elapsed + second.Elapsed;

            Console.WriteLine($"Machine: {Machine.Describe()}");
            Console.WriteLine($"Workload: {followers:N0} followers in the emulator (seeded in {seeding.Elapsed.TotalSeconds:0.0} s), loopback HTTP, SQLite in the data folder;");
            Console.WriteLine($"the first run is stopped after {interrupted.Recorded:N0} followers and resumed.");
            Console.WriteLine();
            Console.WriteLine("| Run | followers | seconds | followers/s |");
            Console.WriteLine("|---|---:|---:|---:|");
            Console.WriteLine($"| Bare walk of the same WeChat calls, nothing stored (baseline) | {followers:N0} | {baseline.TotalSeconds:0.00} | {followers / baseline.TotalSeconds:0} |");
            Console.WriteLine($"| WxHub backfill, first run (stopped) | {interrupted.Recorded:N0} | {first.Elapsed.TotalSeconds:0.00} | {interrupted.Recorded / first.Elapsed.TotalSeconds:0} |");
            Console.WriteLine($"| WxHub backfill, resumed to the end | {followers - interrupted.Recorded:N0} | {second.Elapsed.TotalSeconds:0.00} | {(followers - interrupted.Recorded) / second.Elapsed.TotalSeconds:0} |");
            Console.WriteLine($"| WxHub backfill, both runs | {followers:N0} | {total.TotalSeconds:0.00} | {followers / total.TotalSeconds:0} |");
            Console.WriteLine();
            Console.WriteLine($"Ratio of the backfill's time to the baseline's: {total / baseline:0.00}. Upstream calls over both runs: " +
                              $"{Calls("/cgi-bin/user/get")} user/get, {Calls("/cgi-bin/user/info/batchget")} batchget (minimum {(followers + 99) / 100}), " +
                              $"{Calls("/cgi-bin/user/info")} user/info.");
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The calls a backfill makes, made as fast as one client can, the answers only checked for their size.</summary>
    private static async Task<TimeSpan> BareWalkAsync(HttpClient wechat)
    {
        var token = JsonNode.Parse(await (await wechat.PostAsJsonAsync("/cgi-bin/stable_token", new { grant_type = "client_credential", appid = Appid, secret = Secret })).Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
        var watch = Stopwatch.StartNew();
        var cursor = "";
        while (true)
        {
            var page = JsonNode.Parse(await wechat.GetStringAsync($"/cgi-bin/user/get?access_token={token}&next_openid={cursor}"))!;
            var openids = page["data"]?["openid"]?.AsArray().Select(o => o!.GetValue<string>()).ToList() ?? [];
            if (openids.Count == 0) break;
            foreach (var batch in openids.Chunk(100))
            {
                var answer = await wechat.PostAsJsonAsync($"/cgi-bin/user/info/batchget?access_token={token}", new { user_list = batch.Select(openid => new { openid, lang = "zh_CN" }) });
                using var users = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
                if (users.RootElement.GetProperty("user_info_list").GetArrayLength() != batch.Length) throw new InvalidOperationException("A batch came back short.");
            }
            cursor = page["next_openid"]!.GetValue<string>();
            if (cursor.Length == 0) break;
        }
        return watch.Elapsed;
    }

    private static string Seed(int followers) => new JsonObject
    {
        ["apps"] = new JsonArray(new JsonObject { ["appid"] = Appid, ["secret"] = Secret, ["type"] = "official_account", ["open_account"] = "bench-open" }),
        ["users"] = new JsonArray(Enumerable.Range(0, followers).Select(i => (JsonNode)new JsonObject { ["id"] = $"f{i}", ["apps"] = new JsonArray(Appid) }).ToArray()),
    }.ToJsonString();

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
