using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using WxHub.Protocol.Crypto;
using WxHub.Testing;

namespace WxHub.Server.Tests.Messages;

/// <summary>Deliveries that fail are retried with exponential, capped backoff on the clock until acknowledged.</summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private const string Appid = "wxoutbox000000001";
    private static readonly DateTimeOffset Start = new ManualTimeProvider().GetUtcNow();
    private MessageServerHarness _hub = null!;
    private SubscriberServer _subscriber = null!;
    private FakeWeChat _wechat = null!;

    public async Task InitializeAsync()
    {
        _hub = await MessageServerHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Messages:RetryInitialDelay"] = "00:00:05",
            ["Messages:RetryMaxDelay"] = "00:00:15",
        });
        _subscriber = await SubscriberServer.StartAsync();
        _wechat = await _hub.RegisterAppAsync(Appid, EncodingAesKey.Generate());
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _subscriber.DisposeAsync();
    }

    [Fact]
    public async Task A_failing_subscriber_is_retried_with_growing_capped_waits_until_it_acknowledges()
    {
        await _hub.SubscribeAsync(Appid, _subscriber.Url, "async");
        _subscriber.Respond = _ => Task.FromResult(_subscriber.Received.Count < 4 ? Results.StatusCode(503) : Results.Ok());

        Assert.Null(await _wechat.ReplyAsync(await _wechat.PushAsync(FakeWeChat.Text(9001, "retry me"), PushMode.Safe), PushMode.Safe));

        await AttemptFailedAsync(1, Start.AddSeconds(5));
        _hub.Clock.Advance(TimeSpan.FromSeconds(5));
        await AttemptFailedAsync(2, Start.AddSeconds(15));
        _hub.Clock.Advance(TimeSpan.FromSeconds(10));
        await AttemptFailedAsync(3, Start.AddSeconds(30)); // 20 s capped at 15 s
        _hub.Clock.Advance(TimeSpan.FromSeconds(15));

        var delivered = await EntryAsync(e => e["state"]!.GetValue<string>() == "delivered", "the fourth attempt is acknowledged");
        Assert.Equal(4, delivered["attempts"]!.GetValue<int>());
        Assert.Equal(4, _subscriber.Received.Count);
        Assert.Single(_subscriber.Received.Select(r => r.DeliveryId).Distinct());
        Assert.Equal([1, 2, 3, 4], _subscriber.Received.Select(r => r.Json["attempt"]!.GetValue<int>()));
    }

    [Fact]
    public async Task An_operator_can_list_outbox_entries_and_replay_one()
    {
        await _hub.SubscribeAsync(Appid, _subscriber.Url, "async");
        await _wechat.PushAsync(FakeWeChat.Text(9101, "replay me"), PushMode.Safe);
        var entry = await EntryAsync(e => e["state"]!.GetValue<string>() == "delivered", "the message is delivered");

        var replay = await _hub.Admin.PostAsync($"/v1/admin/apps/{Appid}/outbox/{entry["id"]}/replay", null);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);

        await Eventually.True(() => _subscriber.Received.Count == 2, "the replay is delivered");
        Assert.Equal(_subscriber.Received[0].Body.Replace("\"attempt\":1", "\"attempt\":2"), _subscriber.Received[1].Body);
        Assert.Equal(HttpStatusCode.NotFound, (await _hub.Admin.PostAsync($"/v1/admin/apps/{Appid}/outbox/dl_nothing/replay", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _hub.Admin.GetAsync($"/v1/admin/apps/{Appid}/outbox?state=lost")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _hub.Admin.GetAsync($"/v1/admin/apps/{Appid}/callbacks?limit=0")).StatusCode);
    }

    [Fact]
    public async Task Subscribers_are_validated_listed_without_secrets_and_removed()
    {
        async Task<string> ErrorOf(object body)
        {
            var response = await _hub.Admin.PostAsJsonAsync($"/v1/admin/apps/{Appid}/subscribers", body);
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.NotFound);
            return (await response.Content.ReadFromJsonAsync<JsonNode>())!["error"]!.GetValue<string>();
        }

        Assert.Equal("invalid_url", await ErrorOf(new { url = "ftp://x", secret = SubscriberServer.Secret }));
        Assert.Equal("invalid_secret", await ErrorOf(new { url = "http://127.0.0.1:9/hook", secret = "short" }));
        Assert.Equal("invalid_mode", await ErrorOf(new { url = "http://127.0.0.1:9/hook", secret = SubscriberServer.Secret, mode = "later" }));
        Assert.Equal("invalid_events", await ErrorOf(new { url = "http://127.0.0.1:9/hook", secret = SubscriberServer.Secret, events = new[] { "bad event" } }));
        var id = await _hub.SubscribeAsync(Appid, _subscriber.Url, "sync", "text");
        Assert.Equal("sync_subscriber_exists", await ErrorOf(new { url = "http://127.0.0.1:9/hook", secret = SubscriberServer.Secret, mode = "sync" }));
        var missingApp = await _hub.Admin.PostAsJsonAsync("/v1/admin/apps/wxnobody/subscribers", new { url = "http://127.0.0.1:9/hook", secret = SubscriberServer.Secret });
        Assert.Equal(HttpStatusCode.NotFound, missingApp.StatusCode);

        var listed = await _hub.Admin.GetStringAsync($"/v1/admin/apps/{Appid}/subscribers");
        Assert.DoesNotContain(SubscriberServer.Secret, listed);
        var subscriber = Assert.Single(JsonNode.Parse(listed)!.AsArray())!;
        Assert.Equal("sync", subscriber["mode"]!.GetValue<string>());
        Assert.Equal(["text"], subscriber["events"]!.AsArray().Select(e => e!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.NoContent, (await _hub.Admin.DeleteAsync($"/v1/admin/apps/{Appid}/subscribers/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _hub.Admin.DeleteAsync($"/v1/admin/apps/{Appid}/subscribers/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _hub.Server.Client.GetAsync($"/v1/admin/apps/{Appid}/subscribers")).StatusCode);
    }

    private async Task AttemptFailedAsync(int attempts, DateTimeOffset nextAttemptAt)
    {
        var entry = await EntryAsync(e => e["attempts"]!.GetValue<int>() == attempts && e["state"]!.GetValue<string>() == "pending", $"attempt {attempts} failed");
        Assert.Equal(nextAttemptAt, entry["next_attempt_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal("HTTP 503 from the subscriber", entry["last_error"]!.GetValue<string>());
        Assert.Equal(attempts, _subscriber.Received.Count);
    }

    private async Task<JsonNode> EntryAsync(Func<JsonNode, bool> condition, string what)
    {
        JsonNode? found = null;
        await Eventually.True(async () =>
        {
            found = (await _hub.GetArrayAsync($"/v1/admin/apps/{Appid}/outbox")).SingleOrDefault(e => condition(e!));
            return found is not null;
        }, what);
        return found!;
    }
}
