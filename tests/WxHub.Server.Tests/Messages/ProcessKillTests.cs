using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using WxHub.Protocol.Crypto;
using WxHub.Testing;

namespace WxHub.Server.Tests.Messages;

/// <summary>
/// The real <c>wxhub serve</c> as a child process, killed with SIGKILL while its outbox holds undelivered messages:
/// after a restart every accepted message reaches every subscriber exactly once.
/// </summary>
public sealed class ProcessKillTests : IDisposable
{
    private const string Appid = "wxkill00000000001";
    private const int Messages = 5;
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Messages_accepted_before_a_kill_9_are_delivered_exactly_once_after_a_restart()
    {
        int asyncPort = FreePort(), syncPort = FreePort(), hubPort = FreePort();
        var key = EncodingAesKey.Generate();

        // First life: the subscribers are down; WeChat's pushes are accepted (acknowledged) and wait in the outbox.
        using (var first = await ChildServer.StartAsync(_data.Path, hubPort))
        {
            var wechat = await first.RegisterAsync(Appid, key);
            await first.SubscribeAsync(Appid, $"http://127.0.0.1:{asyncPort}/hook", "async");
            await first.SubscribeAsync(Appid, $"http://127.0.0.1:{syncPort}/hook", "sync");
            for (var i = 1; i <= Messages; i++)
            {
                var response = await wechat.PushAsync(FakeWeChat.Text(10_000 + i, $"message {i}"), PushMode.Safe);
                Assert.Null(await wechat.ReplyAsync(response, PushMode.Safe));
            }
            first.Kill();
        }

        // Second life: the subscribers are back.
        await using var asyncSubscriber = await SubscriberServer.StartAsync(asyncPort);
        await using var syncSubscriber = await SubscriberServer.StartAsync(syncPort);
        using var second = await ChildServer.StartAsync(_data.Path, hubPort);

        await Eventually.True(async () =>
            (await second.Admin.GetFromJsonAsync<List<Dictionary<string, object>>>($"/v1/admin/apps/{Appid}/outbox?state=delivered"))!.Count == 2 * Messages,
            "every outbox entry is delivered after the restart", TimeSpan.FromSeconds(30));
        foreach (var subscriber in new[] { asyncSubscriber, syncSubscriber })
        {
            var received = subscriber.Received;
            Assert.Equal(Messages, received.Count);
            Assert.Equal(Messages, received.Select(r => r.Message["msg_id"]!.GetValue<string>()).Distinct().Count());
            Assert.All(received, r => Assert.True(r.IsSignedWith(SubscriberServer.Secret)));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class ChildServer : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private ChildServer(Process process, Uri address)
        {
            _process = process;
            Admin = new HttpClient { BaseAddress = address };
            Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MessageServerHarness.AdminKey);
        }

        public HttpClient Admin { get; }

        public static async Task<ChildServer> StartAsync(string data, int port)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "wxhub.dll"), "serve", "--urls", $"http://127.0.0.1:{port}", "--data", data })
                start.ArgumentList.Add(arg);
            start.Environment["WXHUB_ADMINKEY"] = MessageServerHarness.AdminKey;
            start.Environment["WXHUB_WECHATAPI"] = MessageServerHarness.NoWeChat;
            start.Environment["WXHUB_Messages__RetryInitialDelay"] = "00:00:00.100";
            start.Environment["WXHUB_Messages__RetryMaxDelay"] = "00:00:00.500";
            start.Environment["WXHUB_Messages__SyncBudget"] = "00:00:01";
            var child = new ChildServer(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
            child._process.OutputDataReceived += (_, e) => child.Collect(e.Data);
            child._process.ErrorDataReceived += (_, e) => child.Collect(e.Data);
            child._process.BeginOutputReadLine();
            child._process.BeginErrorReadLine();
            await Eventually.True(async () =>
            {
                if (child._process.HasExited) throw new InvalidOperationException($"wxhub serve exited: {child.Output}");
                try { return (await child.Admin.GetAsync("/healthz")).IsSuccessStatusCode; }
                catch (HttpRequestException) { return false; }
            }, "wxhub serve answers /healthz", TimeSpan.FromSeconds(30));
            return child;
        }

        public string Output
        {
            get { lock (_output) return _output.ToString(); }
        }

        public async Task<FakeWeChat> RegisterAsync(string appid, EncodingAesKey key)
        {
            var response = await Admin.PostAsJsonAsync("/v1/admin/apps", new { appid, secret = "s", type = "official_account", token = MessageServerHarness.Token, encoding_aes_key = key.Value });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return new FakeWeChat(Admin, appid, MessageServerHarness.Token, key, TimeProvider.System);
        }

        public async Task SubscribeAsync(string appid, string url, string mode) =>
            Assert.Equal(HttpStatusCode.Created, (await Admin.PostAsJsonAsync($"/v1/admin/apps/{appid}/subscribers", new { url, secret = SubscriberServer.Secret, mode })).StatusCode);

        /// <summary>SIGKILL: no shutdown hooks, no flushing; only what was durable survives.</summary>
        public void Kill()
        {
            _process.Kill();
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited) Kill();
            _process.Dispose();
            Admin.Dispose();
        }

        private void Collect(string? line)
        {
            lock (_output) _output.AppendLine(line);
        }
    }
}
