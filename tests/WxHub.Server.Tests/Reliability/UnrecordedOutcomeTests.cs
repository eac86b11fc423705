using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using WxHub.Protocol.Crypto;
using WxHub.Server.Tests.Messages;
using WxHub.Testing;

namespace WxHub.Server.Tests.Reliability;

/// <summary>
/// The store breaks while a delivery's outcome is being written — the subscriber has the message — and stays away past
/// the delivery's claim. Once it is back the outcome is recorded and the message is not sent again: not by the instance
/// that sent it (which keeps its claim while it retries the write), nor by another instance of the cluster (which gives
/// claims a new term after an outage before taking back any that lapsed).
/// </summary>
public sealed class UnrecordedOutcomeTests
{
    private const string Appid = "wxunrecorded00001";
    private const string Sent = "sent once";

    [Fact]
    public async Task A_delivery_whose_outcome_the_disk_refused_is_recorded_once_it_is_back_and_not_sent_again()
    {
        await using var hub = await MessageServerHarness.StartAsync();
        await using var subscriber = await SubscriberServer.StartAsync();
        var wechat = await hub.RegisterAppAsync(Appid, EncodingAesKey.Generate());
        await hub.SubscribeAsync(Appid, subscriber.Url, "async");
        ImmutableFolder? disk = null;
        try
        {
            subscriber.Respond = async delivery =>
            {
                if (delivery.TextContent() == Sent) disk ??= await ImmutableFolder.ApplyAsync(hub.DataPath);
                return Results.Ok();
            };
            await PushAsync(wechat, 1, Sent);
            await Eventually.True(() => RecordFailures(hub) >= 1, "the outcome is refused");
            hub.Clock.Advance(TimeSpan.FromMinutes(2)); // past the claim (1 minute): writing and keeping claims fail again
            await Eventually.True(() => RecordFailures(hub) >= 2 && UpkeepFailed(hub), "the outcome and the upkeep are refused after the claim lapsed");

            await disk!.RemoveAsync();
            await AssertDeliveredOnceAsync(subscriber, [hub], wechat);
        }
        finally
        {
            disk?.Dispose();
        }
    }

    [Fact]
    public async Task Another_instance_does_not_take_back_a_delivery_whose_outcome_PostgreSQL_refused()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Store"] = "postgres",
            ["Connection"] = database.ConnectionString,
            ["MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        await using var sender = await MessageServerHarness.StartAsync(settings);
        await using var other = await MessageServerHarness.StartAsync(settings);
        await using var subscriber = await SubscriberServer.StartAsync();
        var key = EncodingAesKey.Generate();
        var wechat = await sender.RegisterAppAsync(Appid, key);
        await sender.SubscribeAsync(Appid, subscriber.Url, "async");
        var cutOff = 0;
        subscriber.Respond = async delivery =>
        {
            if (delivery.TextContent() == Sent && Interlocked.Exchange(ref cutOff, 1) == 0) await database.CutOffAsync();
            return Results.Ok();
        };

        await PushAsync(wechat, 1, Sent);
        await Eventually.True(() => RecordFailures(sender) + RecordFailures(other) >= 1, "the outcome is refused");
        // Both instances live on past the claim (1 minute) without the store.
        sender.Clock.Advance(TimeSpan.FromMinutes(2));
        other.Clock.Advance(TimeSpan.FromMinutes(2));
        await Eventually.True(() => RecordFailures(sender) + RecordFailures(other) >= 2 && UpkeepFailed(sender) && UpkeepFailed(other),
            "the outcome and both instances' upkeep are refused after the claim lapsed");

        await database.RestoreAsync();
        await AssertDeliveredOnceAsync(subscriber, [other, sender], new FakeWeChat(other.Server.Client, Appid, MessageServerHarness.Token, key, other.Clock));
    }

    private static async Task PushAsync(FakeWeChat wechat, long msgId, string content)
    {
        using var response = await wechat.PushAsync(FakeWeChat.Text(msgId, content), PushMode.Safe);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// With the store back, a push through the first of <paramref name="hubs"/> (<paramref name="wechat"/>) wakes its
    /// dispatcher, which keeps the claims before it sends, while the clocks stand still so that no outcome is written yet.
    /// Then the clocks move: the outcome is recorded, and with the clocks past any claim a last push goes through. The
    /// first message was sent once, and nothing was taken back.
    /// </summary>
    private static async Task AssertDeliveredOnceAsync(SubscriberServer subscriber, MessageServerHarness[] hubs, FakeWeChat wechat)
    {
        await PushAsync(wechat, 2, "after the outage");
        await Eventually.True(() => subscriber.Received.Any(r => r.TextContent() == "after the outage"), "a push after the outage is delivered");
        foreach (var hub in hubs) hub.Clock.Advance(TimeSpan.FromSeconds(5));
        await Eventually.True(async () =>
        {
            var delivered = await hubs[0].GetArrayAsync($"/v1/admin/apps/{Appid}/outbox?state=delivered");
            return delivered.Any(e => e!["attempts"]!.GetValue<int>() == 1 && subscriber.Received.Any(r => r.DeliveryId == e["id"]!.GetValue<string>() && r.TextContent() == Sent));
        }, "the outcome is recorded once the store is back");
        foreach (var hub in hubs) hub.Clock.Advance(TimeSpan.FromMinutes(10));
        await PushAsync(wechat, 3, "last");
        await Eventually.True(() => subscriber.Received.Any(r => r.TextContent() == "last"), "the last push is delivered");

        Assert.Single(subscriber.Received, r => r.TextContent() == Sent);
        foreach (var hub in hubs) Assert.DoesNotContain(hub.Logs.Lines, line => line.Contains("Took back", StringComparison.Ordinal));
    }

    private static int RecordFailures(MessageServerHarness hub) =>
        hub.Logs.Lines.Count(line => line.Contains("The store did not take the outcome of delivery", StringComparison.Ordinal));

    private static bool UpkeepFailed(MessageServerHarness hub) =>
        hub.Logs.Lines.Any(line => line.Contains("The outbox could not be read or updated", StringComparison.Ordinal));
}
