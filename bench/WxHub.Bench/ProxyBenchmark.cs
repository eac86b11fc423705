using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Emulator;
using WxHub.Server.Hosting;

namespace WxHub.Bench;

/// <summary>
/// What the proxy adds to a call: the same WeChat calls made directly to the emulator with the token (baseline) and
/// through <c>/wechat-api/{appid}/</c> with an API key, in the same run, with the same client: a JSON call
/// (<c>user/info</c>) and a 64 KiB media download (<c>media/get</c>). Latency one call at a time; throughput at a
/// fixed concurrency.
/// </summary>
internal static class ProxyBenchmark
{
    private const string AdminKey = "bench-admin-key-0123456789";
    private const string Appid = "wxbenchproxy00001";
    private const string Secret = "bench-proxy-secret";
    private const int MediaBytes = 64 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        var calls = BenchArgs.Option(args, "--calls", 2000);
        var concurrency = BenchArgs.Option(args, "--concurrency", 16);
        var rounds = BenchArgs.Option(args, "--rounds", 3);
        var data = Path.Combine(Path.GetTempPath(), "wxhub-bench-" + Guid.NewGuid().ToString("N"));

        await using var emulator = await WeChatEmulator.StartAsync();
        var app = WxHubApplication.Build(new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Data"] = data,
            ["AdminKey"] = AdminKey,
            ["WeChatApi"] = emulator.BaseUrl.AbsoluteUri,
            // The limits would measure themselves; the bench wants the proxy's own cost.
            ["Proxy:PerApp:Permits"] = "0",
            ["Proxy:PerKey:Permits"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await app.StartAsync();
        try
        {
            var hub = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false });
            var world = await SetUpAsync(client, emulator.BaseUrl, hub);

            var direct = new Uri(emulator.BaseUrl, "/");
            var proxied = new Uri(hub, $"/wechat-api/{Appid}/");
            var cases = new[]
            {
                new Case("JSON: GET /cgi-bin/user/info", $"cgi-bin/user/info?openid={world.Openid}", body => body.Length > 0 && body[0] == (byte)'{'),
                new Case($"File: GET /cgi-bin/media/get ({MediaBytes / 1024} KiB)", $"cgi-bin/media/get?media_id={world.MediaId}", body => body.Length == MediaBytes),
            };

            // Warm-up: JIT, connection pools, the token.
            foreach (var c in cases)
            {
                await ThroughputAsync(client, Request(direct, c, world.Token, null), 200, concurrency, c.Check);
                await ThroughputAsync(client, Request(proxied, c, null, world.Key), 200, concurrency, c.Check);
            }

            Console.WriteLine($"Machine: {Machine.Describe()}");
            Console.WriteLine($"Workload: per round and path, {calls / 4} calls one at a time (latency) and {calls} calls at concurrency {concurrency} " +
                              $"(throughput), loopback HTTP/1.1, {rounds} rounds; medians.");
            Console.WriteLine();
            Console.WriteLine("| Call | path | p50 ms | p99 ms | calls/s | added p50 ms | throughput ratio |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
            foreach (var c in cases)
            {
                var figures = new List<(Figures Direct, Figures Proxied)>();
                for (var round = 0; round < rounds; round++)
                {
                    figures.Add((await MeasureAsync(client, Request(direct, c, world.Token, null), calls, concurrency, c.Check),
                                 await MeasureAsync(client, Request(proxied, c, null, world.Key), calls, concurrency, c.Check)));
                }
                var d = Figures.Median(figures.Select(f => f.Direct));
                var p = Figures.Median(figures.Select(f => f.Proxied));
                Console.WriteLine($"| {c.Name} | direct to the emulator (baseline) | {d.P50:0.00} | {d.P99:0.00} | {d.PerSecond:0} | | 1.00 |");
                Console.WriteLine($"| {c.Name} | through the WxHub proxy | {p.P50:0.00} | {p.P99:0.00} | {p.PerSecond:0} | {p.P50 - d.P50:0.00} | {p.PerSecond / d.PerSecond:0.00} |");
            }
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The app in the emulator (without daily quotas in the way) and in WxHub, a key, a follower and a media file.</summary>
    private static async Task<World> SetUpAsync(HttpClient client, Uri wechat, Uri hub)
    {
        async Task<JsonNode> Post(Uri url, object body, string? bearer = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
            if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode ? JsonNode.Parse(text)! : throw new InvalidOperationException($"{url.AbsolutePath}: {(int)response.StatusCode} {text}");
        }

        await Post(new Uri(wechat, "/__emulator/apps"), new JsonObject
        {
            ["appid"] = Appid,
            ["secret"] = Secret,
            ["type"] = "official_account",
            ["quotas"] = new JsonObject { ["/cgi-bin/user/info"] = int.MaxValue, ["/cgi-bin/media/get"] = int.MaxValue },
        });
        var openid = (await Post(new Uri(wechat, "/__emulator/users"), new { apps = new[] { Appid } }))["openids"]![Appid]!.GetValue<string>();
        var media = new byte[MediaBytes];
        Random.Shared.NextBytes(media);
        var mediaId = (await Post(new Uri(wechat, $"/__emulator/apps/{Appid}/media"), new { content_type = "image/jpeg", content_base64 = Convert.ToBase64String(media) }))["media_id"]!.GetValue<string>();

        await Post(new Uri(hub, "/v1/admin/apps"), new { appid = Appid, secret = Secret, type = "official_account" }, AdminKey);
        var key = (await Post(new Uri(hub, "/v1/admin/keys"), new { name = "bench", apps = new[] { Appid } }, AdminKey))["key"]!.GetValue<string>();
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(hub, $"/v1/apps/{Appid}/access-token"));
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var tokenResponse = await client.SendAsync(tokenRequest);
        var token = JsonNode.Parse(await tokenResponse.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
        return new World(openid, mediaId, key, token);
    }

    /// <summary>A request factory: direct calls carry the token, proxied ones the API key.</summary>
    private static Func<HttpRequestMessage> Request(Uri baseUrl, Case call, string? token, string? key) => () =>
    {
        var url = new Uri(baseUrl, token is null ? call.PathAndQuery : $"{call.PathAndQuery}&access_token={Uri.EscapeDataString(token)}");
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    };

    private static async Task<Figures> MeasureAsync(HttpClient client, Func<HttpRequestMessage> request, int calls, int concurrency, Func<byte[], bool> check)
    {
        var latencies = new List<double>(calls / 4);
        for (var i = 0; i < calls / 4; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await CallAsync(client, request, check);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        latencies.Sort();
        return new Figures(latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)], await ThroughputAsync(client, request, calls, concurrency, check));
    }

    private static async Task<double> ThroughputAsync(HttpClient client, Func<HttpRequestMessage> request, int calls, int concurrency, Func<byte[], bool> check)
    {
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < calls) await CallAsync(client, request, check);
        }));
        return calls / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Each answer is checked, so a fast wrong answer cannot pass for speed.</summary>
    private static async Task CallAsync(HttpClient client, Func<HttpRequestMessage> request, Func<byte[], bool> check)
    {
        using var message = request();
        using var response = await client.SendAsync(message);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode || !check(body))
            throw new InvalidOperationException($"{message.RequestUri!.AbsolutePath} answered {(int)response.StatusCode} with {body.Length} unexpected bytes.");
    }

    private sealed record World(string Openid, string MediaId, string Key, string Token)
    {
        public override string ToString() => nameof(World);
    }

    private sealed record Case(string Name, string PathAndQuery, Func<byte[], bool> Check);

    private sealed record Figures(double P50, double P99, double PerSecond)
    {
        public static Figures Median(IEnumerable<Figures> rounds)
        {
            var all = rounds.ToList();
            return new Figures(BenchArgs.Median(all.Select(f => f.P50)), BenchArgs.Median(all.Select(f => f.P99)), BenchArgs.Median(all.Select(f => f.PerSecond)));
        }
    }
}
