using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WxHub.Protocol.Crypto;
using WxHub.Protocol.Messages;
using WxHub.Protocol.Signatures;
using WxHub.Server.Hosting;

namespace WxHub.Bench;

/// <summary>
/// Safe-mode callbacks per second through WxHub (verify the signatures, decrypt, de-duplicate with the durable accept,
/// ask a loopback sync subscriber, build and encrypt the passive reply) as a ratio to a plain Kestrel endpoint that
/// echoes the same bodies, both measured in this run with the same client, concurrency and requests.
/// </summary>
internal static class CallbackBenchmark
{
    private const string AdminKey = "bench-admin-key-0123456789";
    private const string Token = "benchtoken";
    private const string ReplyingApp = "wxbenchreply00001";
    private const string AcknowledgingApp = "wxbenchack0000001";

    public static async Task<int> RunAsync(string[] args)
    {
        var messages = BenchArgs.Option(args, "--messages", 3000);
        var concurrency = BenchArgs.Option(args, "--concurrency", 32);
        var rounds = BenchArgs.Option(args, "--rounds", 3);
        var loadBefore = Machine.LoadAverage();
        var key = EncodingAesKey.Generate();
        var data = Path.Combine(Path.GetTempPath(), "wxhub-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var echo = await Loopback.StartAsync(app => app.MapPost("/echo", async (HttpContext http) =>
            {
                http.Response.ContentType = "text/xml";
                await http.Request.Body.CopyToAsync(http.Response.Body);
            }));
            await using var subscriber = await Loopback.StartAsync(app => app.MapPost("/hook", () =>
                Results.Text("""{"type":"text","content":"received"}""", "application/json")));
            await using var hub = await Loopback.StartAsync(WxHubApplication.Build(new Dictionary<string, string?>
            {
                ["Urls"] = "http://127.0.0.1:0",
                ["Data"] = data,
                ["AdminKey"] = AdminKey,
                ["Logging:LogLevel:Default"] = "Warning",
                // Registered apps make WxHub fetch their tokens; keep that off the network (refused on loopback).
                ["WeChatApi"] = "http://127.0.0.1:9",
            }));

            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false });
            await SetUpAsync(client, hub.Address, subscriber.Address, key);

            var msgId = 0L;
            List<Request> Batch(string appid, int count) =>
                Enumerable.Range(0, count).Select(_ => Request.Push(hub.Address, appid, key, Interlocked.Increment(ref msgId))).ToList();
            static List<Request> Echoes(Uri echoAddress, List<Request> pushes) => pushes.Select(p => p with { Url = new Uri(echoAddress, "/echo") }).ToList();

            // Warm-up: JIT, connection pools, SQLite pages.
            var warm = Batch(ReplyingApp, Math.Min(500, messages));
            await MeasureAsync(client, Echoes(echo.Address, warm), concurrency, Check.Echo);
            await MeasureAsync(client, warm, concurrency, Check.EncryptedReply(key));

            var echoRates = new List<double>();
            var replyRates = new List<double>();
            var ackRates = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                var replying = Batch(ReplyingApp, messages);
                echoRates.Add(await MeasureAsync(client, Echoes(echo.Address, replying), concurrency, Check.Echo));
                replyRates.Add(await MeasureAsync(client, replying, concurrency, Check.EncryptedReply(key)));
                ackRates.Add(await MeasureAsync(client, Batch(AcknowledgingApp, messages), concurrency, Check.Acknowledged));
            }

            double echoRate = BenchArgs.Median(echoRates), replyRate = BenchArgs.Median(replyRates), ackRate = BenchArgs.Median(ackRates);
            Console.WriteLine($"Machine: {Machine.Describe()}");
            Console.WriteLine($"Disk flush (4 KiB write + fsync) in the data folder, median of 50: {Machine.FlushLatency(data).TotalMilliseconds:0.0} ms; load average before the run: {loadBefore}.");
            Console.WriteLine($"Workload: {rounds} rounds x {messages} safe-mode text messages, {concurrency} concurrent requests, loopback HTTP/1.1; medians.");
            Console.WriteLine();
            Console.WriteLine("| Path | messages/s | ratio to echo |");
            Console.WriteLine("|---|---:|---:|");
            Console.WriteLine($"| Plain Kestrel echo of the same bodies (baseline) | {echoRate:0} | 1.00 |");
            Console.WriteLine($"| WxHub: verify + decrypt + dedupe (durable accept) + sync subscriber + encrypted passive reply | {replyRate:0} | {replyRate / echoRate:0.00} |");
            Console.WriteLine($"| WxHub: verify + decrypt + dedupe (durable accept), no subscriber, empty acknowledgement | {ackRate:0} | {ackRate / echoRate:0.00} |");
            return 0;
        }
        finally
        {
            // The servers are stopped when the try block ends, before this runs.
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task SetUpAsync(HttpClient client, Uri hub, Uri subscriber, EncodingAesKey key)
    {
        async Task Post(string path, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(hub, path)) { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            using var response = await client.SendAsync(request);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        foreach (var appid in new[] { ReplyingApp, AcknowledgingApp })
            await Post("/v1/admin/apps", new { appid, secret = "bench-secret", type = "official_account", token = Token, encoding_aes_key = key.Value });
        await Post($"/v1/admin/apps/{ReplyingApp}/subscribers", new { url = new Uri(subscriber, "/hook"), secret = "bench-subscriber-secret-0123", mode = "sync" });
    }

    private static async Task<double> MeasureAsync(HttpClient client, List<Request> requests, int concurrency, Func<Request, HttpResponseMessage, Task> check)
    {
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Count)
            {
                var request = requests[i];
                using var content = new StringContent(request.Body, Encoding.UTF8, "text/xml");
                using var response = await client.PostAsync(request.Url, content);
                await check(request, response);
            }
        }));
        return requests.Count / watch.Elapsed.TotalSeconds;
    }


    /// <summary>A push as WeChat sends it in safe mode, signed and encrypted before the clock starts.</summary>
    private sealed record Request(Uri Url, string Body)
    {
        public static Request Push(Uri hub, string appid, EncodingAesKey key, long msgId)
        {
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var nonce = RandomNumberGenerator.GetString("0123456789", 9);
            var message = new WeChatXmlBuilder().Text("ToUserName", "gh_0123456789ab").Text("FromUserName", "oBENCHUSER")
                .Bare("CreateTime", timestamp).Text("MsgType", "text").Text("Content", "benchmark message " + msgId).Number("MsgId", msgId).Build();
            var encrypt = MessageCrypto.Encrypt(key, appid, message);
            var body = new WeChatXmlBuilder().Text("ToUserName", "gh_0123456789ab").Text("Encrypt", encrypt).Build();
            var query = $"signature={CallbackSignature.Compute(Token, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}" +
                        $"&openid=oBENCHUSER&encrypt_type=aes&msg_signature={CallbackSignature.ComputeForMessage(Token, timestamp, nonce, encrypt)}";
            return new Request(new Uri(hub, $"/wechat/callback/{appid}?{query}"), body);
        }
    }

    /// <summary>Each answer is checked, so a fast wrong answer cannot pass for throughput.</summary>
    private static class Check
    {
        public static async Task Echo(Request request, HttpResponseMessage response)
        {
            var body = await Ok(response);
            if (body.Length != request.Body.Length) throw new InvalidOperationException("The echo did not return the body.");
        }

        public static async Task Acknowledged(Request request, HttpResponseMessage response)
        {
            if ((await Ok(response)).Length != 0) throw new InvalidOperationException("Expected an empty acknowledgement.");
        }

        public static Func<Request, HttpResponseMessage, Task> EncryptedReply(EncodingAesKey key) => async (request, response) =>
        {
            var opened = Protocol.Messages.EncryptedReply.Open(await Ok(response), key, Token, ReplyingApp);
            if (!opened.Succeeded || !opened.Value.Contains("received", StringComparison.Ordinal))
                throw new InvalidOperationException($"Expected an encrypted text reply: {opened.Error} {opened.Detail}");
        };

        private static async Task<string> Ok(HttpResponseMessage response)
        {
            var body = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {body}");
        }
    }
}
