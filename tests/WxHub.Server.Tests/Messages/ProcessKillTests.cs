using System.Net;
using System.Net.Http.Json;
using WxHub.Protocol.Crypto;
using WxHub.Testing;

namespace WxHub.Server.Tests.Messages;

/// <summary>
/// The real <c>wxhub serve</c> as a child process, killed with SIGKILL while its outbox holds undelivered messages:
/// after a restart every accepted message reaches every subscriber exactly once.
/// </summary>
// Tests that kill child processes run one at a time: on a loaded machine their restarts otherwise starve each other.
[Collection(nameof(ChildServer))]
public sealed class ProcessKillTests : IDisposable
{
    private const string Appid = "wxkill00000000001";
    private const int Messages = 5;
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Messages_accepted_before_a_kill_9_are_delivered_exactly_once_after_a_restart()
    {
        int asyncPort = ChildServer.FreePort(), syncPort = ChildServer.FreePort(), hubPort = ChildServer.FreePort();
        var key = EncodingAesKey.Generate();

        // First life: the subscribers are down; WeChat's pushes are accepted (acknowledged) and wait in the outbox.
        using (var first = await StartAsync(_data.Path, hubPort))
        {
            var wechat = await RegisterAsync(first, Appid, key);
            await SubscribeAsync(first, Appid, $"http://127.0.0.1:{asyncPort}/hook", "async");
            await SubscribeAsync(first, Appid, $"http://127.0.0.1:{syncPort}/hook", "sync");
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
        using var second = await StartAsync(_data.Path, hubPort);

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

    private static Task<ChildServer> StartAsync(string data, int port) =>
        ChildServer.StartAsync(data, port, MessageServerHarness.AdminKey, new Dictionary<string, string>
        {
            ["WXHUB_WECHATAPI"] = MessageServerHarness.NoWeChat,
            ["WXHUB_Messages__RetryInitialDelay"] = "00:00:00.100",
            ["WXHUB_Messages__RetryMaxDelay"] = "00:00:00.500",
            ["WXHUB_Messages__SyncBudget"] = "00:00:01",
        });

    private static async Task<FakeWeChat> RegisterAsync(ChildServer server, string appid, EncodingAesKey key)
    {
        var response = await server.Admin.PostAsJsonAsync("/v1/admin/apps", new { appid, secret = "s", type = "official_account", token = MessageServerHarness.Token, encoding_aes_key = key.Value });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return new FakeWeChat(server.Admin, appid, MessageServerHarness.Token, key, TimeProvider.System);
    }

    private static async Task SubscribeAsync(ChildServer server, string appid, string url, string mode) =>
        Assert.Equal(HttpStatusCode.Created, (await server.Admin.PostAsJsonAsync($"/v1/admin/apps/{appid}/subscribers", new { url, secret = SubscriberServer.Secret, mode })).StatusCode);
}
