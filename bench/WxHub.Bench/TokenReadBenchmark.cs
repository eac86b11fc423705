using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WxHub.Emulator;
using WxHub.Server.Hosting;

namespace WxHub.Bench;

/// <summary>
/// Token reads, <c>GET /v1/apps/{appid}/access-token</c> with a valid API key, against a minimal Kestrel endpoint that
/// answers the same bytes as a constant: requests per second and p50/p99 latency at a fixed number of concurrent
/// connections, rounds of the two interleaved so that both see the same machine.
/// </summary>
internal static class TokenReadBenchmark
{
    private const string AdminKey = "bench-admin-key-0123456789";
    private const string Appid = "wxbenchtoken00001";
    private const string Secret = "bench-token-secret";
    private const int MinWarmUps = 5;
    private const int MaxWarmUps = 40;

    public static async Task<int> RunAsync(string[] args)
    {
        var requests = BenchArgs.Option(args, "--requests", 5_000);
        var connections = BenchArgs.Option(args, "--connections", 32);
        var rounds = BenchArgs.Option(args, "--rounds", 21);
        var data = Path.Combine(Path.GetTempPath(), "wxhub-bench-" + Guid.NewGuid().ToString("N"));

        await using var emulator = await WeChatEmulator.StartAsync();
        try
        {
            await using var hub = await Loopback.StartAsync(WxHubApplication.Build(new Dictionary<string, string?>
            {
                ["Urls"] = "http://127.0.0.1:0",
                ["Data"] = data,
                ["AdminKey"] = AdminKey,
                ["WeChatApi"] = emulator.BaseUrl.AbsoluteUri,
                ["Logging:LogLevel:Default"] = "Warning",
            }));
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false });
            var (key, answer) = await SetUpAsync(client, emulator.BaseUrl, hub.Address);
            var token = Encoding.UTF8.GetBytes(JsonNode.Parse(answer)!["access_token"]!.GetValue<string>());
            // The least a server can do for this request: Kestrel, routing, and a constant body.
            var constantBody = Encoding.UTF8.GetBytes(answer);
            await using var baseline = await Loopback.StartAsync(app => app.MapGet("/v1/apps/{appid}/access-token", () => Results.Bytes(constantBody, "application/json; charset=utf-8")));

            var wxhub = Request(new Uri(hub.Address, $"/v1/apps/{Appid}/access-token"), key);
            var constant = Request(new Uri(baseline.Address, $"/v1/apps/{Appid}/access-token"), key);
            bool Check(byte[] body) => body.AsSpan().IndexOf(token) >= 0;

            // Warm-up until tiered compilation has settled: pairs of rounds until one compiles no method (at least
            // MinWarmUps, at most MaxWarmUps). Shorter, the measured rounds caught the JIT still promoting the code of
            // whichever path was running, and WxHub's path has more code to promote than a constant answer.
            var warmUps = 0;
            for (var compiled = -1L; warmUps < MaxWarmUps && (warmUps < MinWarmUps || JitInfo.GetCompiledMethodCount() != compiled); warmUps++)
            {
                compiled = JitInfo.GetCompiledMethodCount();
                await LoadAsync(client, constant, requests, connections, Check);
                await LoadAsync(client, wxhub, requests, connections, Check);
            }

            var figures = new List<(Figures Baseline, Figures WxHub)>();
            for (var round = 0; round < rounds; round++)
                figures.Add((await LoadAsync(client, constant, requests, connections, Check), await LoadAsync(client, wxhub, requests, connections, Check)));
            var b = Figures.Median(figures.Select(f => f.Baseline));
            var w = Figures.Median(figures.Select(f => f.WxHub));
            // Short rounds side by side see the same load; the median of their ratios is steadier than the ratio of medians.
            var ratios = figures.Select(f => f.WxHub.PerSecond / f.Baseline.PerSecond).ToList();

            Console.WriteLine($"Machine: {Machine.Describe()}; load average {Machine.LoadAverage()}");
            Console.WriteLine($"Workload: {warmUps} pairs of warm-up rounds (until a pair compiled no method, at most {MaxWarmUps}), then {rounds} interleaved rounds of {requests} requests per path over {connections} concurrent connections " +
                              $"(HttpClient, SocketsHttpHandler, loopback HTTP/1.1, client in the same process); answer {Encoding.UTF8.GetByteCount(answer)} bytes; medians of the rounds; the ratio is the median of the rounds' ratios.");
            Console.WriteLine($"Ratios per round (WxHub / baseline requests/s): {string.Join(", ", ratios.Select(r => r.ToString("0.00")))}");
            Console.WriteLine();
            Console.WriteLine("| Path | requests/s | p50 ms | p99 ms | CPU µs/request (client + server) | ratio | CPU ratio |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine($"| Minimal Kestrel endpoint, constant answer of the same bytes (baseline) | {b.PerSecond:0} | {b.P50:0.00} | {b.P99:0.00} | {b.CpuMicroseconds:0} | 1.00 | 1.00 |");
            Console.WriteLine($"| WxHub GET /v1/apps/{{appid}}/access-token with an API key | {w.PerSecond:0} | {w.P50:0.00} | {w.P99:0.00} | {w.CpuMicroseconds:0} | **{BenchArgs.Median(ratios):0.00}** | {b.CpuMicroseconds / w.CpuMicroseconds:0.00} |");
            return 0;
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The app in the emulator and in WxHub, an API key for it, and WxHub's answer to a token read.</summary>
    private static async Task<(string Key, string Answer)> SetUpAsync(HttpClient client, Uri wechat, Uri hub)
    {
        (await client.PostAsJsonAsync(new Uri(wechat, "/__emulator/apps"), new { appid = Appid, secret = Secret, type = "official_account" })).EnsureSuccessStatusCode();
        using var admin = new HttpClient { BaseAddress = hub, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", AdminKey) } };
        (await admin.PostAsJsonAsync("/v1/admin/apps", new { appid = Appid, secret = Secret, type = "official_account" })).EnsureSuccessStatusCode();
        var created = await admin.PostAsJsonAsync("/v1/admin/keys", new { name = "bench", apps = new[] { Appid } });
        var key = JsonNode.Parse(await created.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
        using var read = Request(new Uri(hub, $"/v1/apps/{Appid}/access-token"), key)();
        using var answer = await client.SendAsync(read);
        return (key, await answer.EnsureSuccessStatusCode().Content.ReadAsStringAsync());
    }

    private static Func<HttpRequestMessage> Request(Uri url, string key) => () =>
        new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };

    /// <summary><paramref name="requests"/> requests from <paramref name="connections"/> loops; every answer checked.</summary>
    private static async Task<Figures> LoadAsync(HttpClient client, Func<HttpRequestMessage> request, int requests, int connections, Func<byte[], bool> check)
    {
        var next = -1;
        var latencies = new double[requests];
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var started = Stopwatch.GetTimestamp();
                using var message = request();
                using var response = await client.SendAsync(message);
                var body = await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode || !check(body))
                    throw new InvalidOperationException($"{message.RequestUri!.AbsolutePath} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        })));
        var elapsed = watch.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / requests;
        Array.Sort(latencies);
        return new Figures(requests / elapsed, latencies[requests / 2], latencies[(int)(requests * 0.99)], cpu);
    }

    /// <param name="CpuMicroseconds">CPU time of the whole process (client and server) per request: less disturbed by other work on the machine than the rate.</param>
    private sealed record Figures(double PerSecond, double P50, double P99, double CpuMicroseconds)
    {
        public static Figures Median(IEnumerable<Figures> rounds)
        {
            var all = rounds.ToList();
            return new Figures(BenchArgs.Median(all.Select(f => f.PerSecond)), BenchArgs.Median(all.Select(f => f.P50)), BenchArgs.Median(all.Select(f => f.P99)),
                BenchArgs.Median(all.Select(f => f.CpuMicroseconds)));
        }
    }
}
