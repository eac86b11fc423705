using WxHub.Core.Messages;

namespace WxHub.Core.Tests;

/// <summary>The message server's stores: subscribers, accepted pushes and the outbox.</summary>
public abstract partial class StoreContract
{
    private static Subscriber Subscriber(string appid, SubscriberMode mode = SubscriberMode.Async, int minute = 0) =>
        new(MessageIds.Subscriber(), appid, new Uri("http://127.0.0.1:9/hook"), "hook-secret", ["text", "subscribe"], mode, T0.AddMinutes(minute));

    private static CallbackRecord Callback(string appid, string key, DateTimeOffset at) =>
        new(MessageIds.Callback(), appid, key, at, "text", null, "o-user", CallbackEncryption.Safe, PushFormat.Xml, """{"Content":"hi"}""", CallbackOutcome.Pending, null, 0);

    private static OutboxEntry Delivery(CallbackRecord callback, Subscriber subscriber, DateTimeOffset due) =>
        new(MessageIds.Delivery(), callback.Appid, callback.Id, subscriber.Id, DeliveryState.Pending, 0, due, null, callback.ReceivedAt, null);

    [Fact]
    public async Task Subscribers_round_trip_with_one_sync_subscriber_per_app()
    {
        await Apps.AddAsync(App("wx-sub"));
        var first = Subscriber("wx-sub", SubscriberMode.Sync, minute: 1);
        var second = Subscriber("wx-sub", minute: 2);
        Assert.True(await Subscribers.AddAsync(first));
        Assert.True(await Subscribers.AddAsync(second));
        Assert.False(await Subscribers.AddAsync(Subscriber("wx-sub", SubscriberMode.Sync, minute: 3)));

        var stored = await Reopen().Subscribers.GetAsync(first.Id);
        Assert.Equal(first with { Events = stored!.Events }, stored);
        Assert.Equal(first.Events, stored.Events);
        Assert.Equal([first.Id, second.Id], (await Subscribers.ListAsync("wx-sub")).Select(s => s.Id));

        Assert.False(await Subscribers.DeleteAsync("wx-other", first.Id));
        Assert.True(await Subscribers.DeleteAsync("wx-sub", first.Id));
        Assert.False(await Subscribers.DeleteAsync("wx-sub", first.Id));
        Assert.True(await Subscribers.AddAsync(Subscriber("wx-sub", SubscriberMode.Sync)));
    }

    [Fact]
    public async Task A_push_is_accepted_once_per_deduplication_key_with_its_deliveries()
    {
        await Apps.AddAsync(App("wx-cb"));
        var subscriber = Subscriber("wx-cb");
        await Subscribers.AddAsync(subscriber);
        var push = Callback("wx-cb", "msg-1", T0);
        Assert.True(await Callbacks.AcceptAsync(push, [Delivery(push, subscriber, T0)]));

        var retry = Callback("wx-cb", "msg-1", T0.AddSeconds(5));
        Assert.False(await Reopen().Callbacks.AcceptAsync(retry, [Delivery(retry, subscriber, T0)]));
        Assert.Single(await Outbox.ListAsync("wx-cb", null, 10));

        Assert.Equal(push with { Duplicates = 1 }, await Callbacks.RecordDuplicateAsync("wx-cb", "msg-1"));
        Assert.Null(await Callbacks.RecordDuplicateAsync("wx-cb", "msg-unknown"));
        await Callbacks.CompleteAsync(push.Id, CallbackOutcome.Replied, "<xml>reply</xml>");
        Assert.Equal(push with { Duplicates = 1, Outcome = CallbackOutcome.Replied, ReplyXml = "<xml>reply</xml>" }, (await Callbacks.ListAsync("wx-cb", 10)).Single());
    }

    [Fact]
    public async Task Pushes_list_newest_first_and_in_arrival_order_within_one_instant()
    {
        await Apps.AddAsync(App("wx-order"));
        var pushes = new[] { Callback("wx-order", "a", T0), Callback("wx-order", "b", T0), Callback("wx-order", "c", T0.AddSeconds(1)) };
        foreach (var push in pushes) await Callbacks.AcceptAsync(push, []);
        Assert.Equal(["c", "b", "a"], (await Callbacks.ListAsync("wx-order", 10)).Select(p => p.DeduplicationKey));
        Assert.Equal(["c", "b"], (await Callbacks.ListAsync("wx-order", 2)).Select(p => p.DeduplicationKey));
    }

    [Fact]
    public async Task Due_deliveries_are_claimed_once_even_by_racing_instances()
    {
        await Apps.AddAsync(App("wx-race"));
        var subscriber = Subscriber("wx-race");
        await Subscribers.AddAsync(subscriber);
        for (var i = 0; i < 20; i++)
        {
            var push = Callback("wx-race", $"m{i}", T0);
            await Callbacks.AcceptAsync(push, [Delivery(push, subscriber, T0.AddSeconds(i % 2))]);
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? Opened : Reopen()).Outbox.ClaimDueAsync(T0.AddSeconds(5), 20)));
        var claimed = claims.SelectMany(c => c).Select(d => d.Entry.Id).ToList();
        Assert.Equal(20, claimed.Count);
        Assert.Equal(20, claimed.Distinct().Count());
        Assert.All(claims.SelectMany(c => c), d => Assert.Equal(DeliveryState.InFlight, d.Entry.State));
        Assert.Null(await Outbox.NextDueAsync());
    }

    [Fact]
    public async Task A_delivery_moves_through_failure_success_replay_and_restart()
    {
        await Apps.AddAsync(App("wx-out"));
        var subscriber = Subscriber("wx-out");
        await Subscribers.AddAsync(subscriber);
        var push = Callback("wx-out", "m", T0);
        var delivery = Delivery(push, subscriber, T0);
        await Callbacks.AcceptAsync(push, [delivery]);

        Assert.Empty(await Outbox.ClaimDueAsync(T0.AddSeconds(-1), 10));
        var claimed = Assert.Single(await Outbox.ClaimDueAsync(T0, 10));
        Assert.Equal(push.Message, claimed.Message);
        await Outbox.MarkFailedAsync(delivery.Id, T0.AddMinutes(1), "503 from subscriber");
        Assert.Equal(T0.AddMinutes(1), await Outbox.NextDueAsync());
        Assert.Equal(delivery with { Attempts = 1, NextAttemptAt = T0.AddMinutes(1), LastError = "503 from subscriber" }, await Outbox.GetAsync("wx-out", delivery.Id));

        await Outbox.ClaimDueAsync(T0.AddMinutes(1), 10);
        Assert.Equal([delivery.Id], (await Outbox.ListAsync("wx-out", DeliveryState.InFlight, 10)).Select(e => e.Id));
        Assert.Null(await Outbox.ReplayAsync("wx-out", delivery.Id, T0.AddMinutes(2)));
        Assert.Equal(1, await Outbox.ReleaseInFlightAsync(T0.AddMinutes(2)));

        await Outbox.ClaimDueAsync(T0.AddMinutes(2), 10);
        await Outbox.MarkDeliveredAsync(delivery.Id, T0.AddMinutes(3));
        var delivered = await Outbox.GetAsync("wx-out", delivery.Id);
        Assert.Equal((DeliveryState.Delivered, 2, (string?)null, (DateTimeOffset?)T0.AddMinutes(3)), (delivered!.State, delivered.Attempts, delivered.LastError, delivered.DeliveredAt));
        Assert.Empty(await Outbox.ListAsync("wx-out", DeliveryState.Pending, 10));
        Assert.Null(await Outbox.GetAsync("wx-other", delivery.Id));

        var replayed = await Outbox.ReplayAsync("wx-out", delivery.Id, T0.AddMinutes(4));
        Assert.Equal((DeliveryState.Pending, T0.AddMinutes(4)), (replayed!.State, replayed.NextAttemptAt));
    }

    [Fact]
    public async Task Pruning_keeps_pushes_with_undelivered_entries_and_deleting_an_app_removes_its_messages()
    {
        await Apps.AddAsync(App("wx-prune"));
        var subscriber = Subscriber("wx-prune");
        await Subscribers.AddAsync(subscriber);
        var done = Callback("wx-prune", "done", T0);
        var waiting = Callback("wx-prune", "waiting", T0);
        var doneDelivery = Delivery(done, subscriber, T0);
        await Callbacks.AcceptAsync(done, [doneDelivery]);
        await Callbacks.AcceptAsync(waiting, [Delivery(waiting, subscriber, T0.AddHours(1))]);
        await Outbox.ClaimDueAsync(T0, 10);
        await Outbox.MarkDeliveredAsync(doneDelivery.Id, T0);

        Assert.Equal(1, await Callbacks.PruneAsync(T0.AddDays(1)));
        Assert.Equal(["waiting"], (await Callbacks.ListAsync("wx-prune", 10)).Select(c => c.DeduplicationKey));

        Assert.True(await Apps.DeleteAsync("wx-prune"));
        Assert.Empty(await Subscribers.ListAsync("wx-prune"));
        Assert.Empty(await Callbacks.ListAsync("wx-prune", 10));
        Assert.Empty(await Outbox.ListAsync("wx-prune", null, 10));
    }
}
