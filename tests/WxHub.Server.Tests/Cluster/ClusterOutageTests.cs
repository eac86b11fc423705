using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using WxHub.Protocol.Crypto;
using WxHub.Server.Tests.Messages;
using WxHub.Testing;
using Xunit.Abstractions;

namespace WxHub.Server.Tests.Cluster;

/// <summary>
/// Three real WxHub processes on a PostgreSQL server of the test's own, which is stopped and started again while
/// readers ask for tokens and WeChat pushes messages: tokens keep being served from memory, each instance reports
/// not ready and then ready again by itself, and every accepted message reaches the subscriber.
/// </summary>
public sealed class ClusterOutageTests(ITestOutputHelper output)
{
    private const string Appid = "wxclusteroutage01";

    [Fact]
    public async Task PostgreSQL_stopped_and_started_under_load_keeps_tokens_served_and_loses_no_outbox_entry()
    {
        await using var postgres = await PostgresServer.StartPrivateAsync();
        await using var cluster = await WxHubCluster.StartAsync(postgres.ConnectionString, TimeSpan.FromMinutes(10), 3, new Dictionary<string, string>
        {
            ["WXHUB_Credentials__RefreshLease"] = "00:00:05",
            ["WXHUB_Messages__DeliveryClaim"] = "00:00:03",
            ["WXHUB_Messages__RetryInitialDelay"] = "00:00:00.200",
            ["WXHUB_Messages__RetryMaxDelay"] = "00:00:01",
        });
        await cluster.RegisterAppAsync(Appid);
        var key = EncodingAesKey.Generate();
        Assert.Equal(HttpStatusCode.OK, (await cluster.Instances[0].Admin.PatchAsJsonAsync($"/v1/admin/apps/{Appid}", new { token = MessageServerHarness.Token, encoding_aes_key = key.Value })).StatusCode);
        await using var subscriber = await SubscriberServer.StartAsync();
        // Slow to acknowledge, so that deliveries are in flight when the database goes.
        subscriber.Respond = async _ =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            return Results.Ok();
        };
        Assert.Equal(HttpStatusCode.Created, (await cluster.Instances[0].Admin.PostAsJsonAsync($"/v1/admin/apps/{Appid}/subscribers", new { url = subscriber.Url, secret = SubscriberServer.Secret, mode = "async" })).StatusCode);
        var clients = await cluster.KeyClientsAsync(Appid);
        var wechat = cluster.Instances.Select(i => new FakeWeChat(i.Admin, Appid, MessageServerHarness.Token, key, TimeProvider.System)).ToList();

        // Every instance holds the token before the outage.
        var token = await TokenAsync(clients[0]);
        foreach (var client in clients) Assert.Equal(token, await TokenAsync(client));

        var reads = 0L;
        var failedReads = new ConcurrentQueue<string>();
        using var stopReading = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 30).Select(r => Task.Run(async () =>
        {
            while (!stopReading.IsCancellationRequested)
            {
                var response = await clients[r % clients.Length].GetAsync($"/v1/apps/{Appid}/access-token");
                if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref reads);
                else failedReads.Enqueue($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        })).ToList();

        var accepted = new ConcurrentDictionary<long, byte>();
        var refused = new List<long>();
        async Task PushAsync(long msgId)
        {
            var response = await wechat[(int)(msgId % wechat.Count)].PushAsync(FakeWeChat.Text(msgId, $"message {msgId}"), PushMode.Safe);
            if (response.IsSuccessStatusCode) accepted.TryAdd(msgId, 0);
            else lock (refused) refused.Add(msgId);
        }

        for (var id = 1; id <= 30; id++) await PushAsync(id);
        await postgres.StopAsync();
        foreach (var instance in cluster.Instances)
            await Eventually.True(async () => (await instance.Admin.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable, "not ready while PostgreSQL is down", TimeSpan.FromSeconds(30));
        // WeChat's pushes meanwhile are not acknowledged, so WeChat would send them again.
        for (var id = 31; id <= 36; id++) await PushAsync(id);
        var readsDuringOutage = Interlocked.Read(ref reads);
        await Eventually.True(() => Task.FromResult(Interlocked.Read(ref reads) > readsDuringOutage + 1000), "tokens are read while PostgreSQL is down", TimeSpan.FromSeconds(30));

        await postgres.StartAsync();
        foreach (var instance in cluster.Instances)
            await Eventually.True(async () => (await instance.Admin.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "ready again once PostgreSQL is back", TimeSpan.FromSeconds(30));
        List<long> retried;
        lock (refused) retried = [.. refused];
        foreach (var id in retried) await PushAsync(id);
        for (var id = 37; id <= 50; id++) await PushAsync(id);

        await Eventually.True(async () =>
        {
            var delivered = JsonNode.Parse(await cluster.Instances[1].Admin.GetStringAsync($"/v1/admin/apps/{Appid}/outbox?state=delivered&limit=100"))!.AsArray();
            return delivered.Count == accepted.Count;
        }, "every accepted message is delivered", TimeSpan.FromSeconds(60));
        await stopReading.CancelAsync();
        await Task.WhenAll(readers);

        output.WriteLine($"{Interlocked.Read(ref reads)} token reads; {accepted.Count} messages accepted ({retried.Count} refused during the outage and pushed again); {subscriber.Received.Count} deliveries received");
        Assert.Empty(failedReads);
        Assert.Equal(50, accepted.Count);
        var received = subscriber.Received.Select(r => long.Parse(r.Message["msg_id"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        Assert.Equal(accepted.Keys.Order(), received.Order());
        foreach (var client in clients) Assert.Equal(token, await TokenAsync(client));

        // Each instance listens again: a token replaced on one is served by the others at once, with no call of theirs.
        var invalidation = await clients[0].PostAsJsonAsync($"/v1/apps/{Appid}/access-token/invalidate", new { access_token = token });
        var replaced = JsonNode.Parse(await invalidation.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
        Assert.NotEqual(token, replaced);
        foreach (var client in clients)
            await Eventually.True(async () => await TokenAsync(client) == replaced, "the replacement is heard by every instance", TimeSpan.FromSeconds(10));
        Assert.Equal(2, await cluster.UpstreamCallsAsync(WxHub.Core.WeChat.WeChatEndpoints.Token, Appid));
    }

    private static async Task<string> TokenAsync(HttpClient client)
    {
        var response = await client.GetAsync($"/v1/apps/{Appid}/access-token");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
    }
}
