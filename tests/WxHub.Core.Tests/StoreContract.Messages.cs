using WxHub.Core.Messages;

namespace WxHub.Core.Tests;

/// <summary>The message server's stores: subscribers, accepted pushes and the outbox.</summary>
public abstract partial class StoreContract
{
    protected static Subscriber Subscriber(string appid, SubscriberMode mode = SubscriberMode.Async, string id = "sub_1") =>
        new(id, appid, new Uri("http://127.0.0.1:9/hook"), "subscriber-secret-0123456789", ["text", "subscribe"], mode, T0);

    protected static CallbackRecord Callback(string appid, string key, string id = "cb_1", DateTimeOffset? at = null) =>
        new(id, appid, key, at ?? T0, "text", null, "oUSER", CallbackEncryption.Safe, PushFormat.Xml, """{"msg_type":"text"}""", CallbackOutcome.Pending, null, 0);

    protected static OutboxEntry Entry(string appid, string callbackId, string subscriberId, string id, DeliveryState state = DeliveryState.Pending, DateTimeOffset? due = null) =>
        new(id, appid, callbackId, subscriberId, state, 0, due ?? T0, null, T0, null);

    /// <summary>An upkeep at <paramref name="now"/> without an outage: renews <paramref name="held"/>, returns how many were taken back.</summary>
    private static Task<int> KeepAsync(IOutboxStore outbox, DateTimeOffset now, params string[] held) =>
        outbox.KeepClaimsAsync(held, now, now.AddMinutes(1), unreachableSince: null);

    [Fact]
    public async Task Subscribers_round_trip_with_their_secret_and_an_app_has_one_sync_subscriber()
    {
        await Apps.AddAsync(App("wx-s"));
        var subscriber = Subscriber("wx-s", SubscriberMode.Sync);
        Assert.True(await Subscribers.AddAsync(subscriber));
        Assert.False(await Subscribers.AddAsync(Subscriber("wx-s", SubscriberMode.Sync, id: "sub_2")));
        Assert.True(await Subscribers.AddAsync(Subscriber("wx-s", id: "sub_3")));

        var stored = await Reopen().Subscribers.GetAsync("sub_1");
        Assert.Equal(subscriber.Secret, stored!.Secret);
        Assert.Equal(subscriber.Events, stored.Events);
        Assert.Equal(["sub_1", "sub_3"], (await Subscribers.ListAsync("wx-s")).Select(s => s.Id));
        Assert.False(await Subscribers.DeleteAsync("wx-other", "sub_1"));
        Assert.True(await Subscribers.DeleteAsync("wx-s", "sub_1"));
        Assert.Null(await Subscribers.GetAsync("sub_1"));
    }

    [Fact]
    public async Task A_push_is_accepted_once_per_app_and_key_and_its_retries_are_counted()
    {
        await Apps.AddAsync(App("wx-c"));
        await Apps.AddAsync(App("wx-d"));
        await Subscribers.AddAsync(Subscriber("wx-c"));
        Assert.True(await Callbacks.AcceptAsync(Callback("wx-c", "100"), [Entry("wx-c", "cb_1", "sub_1", "dl_1")]));
        Assert.False(await Callbacks.AcceptAsync(Callback("wx-c", "100", id: "cb_2"), [Entry("wx-c", "cb_2", "sub_1", "dl_2")]));
        Assert.True(await Callbacks.AcceptAsync(Callback("wx-d", "100", id: "cb_3"), []));
        Assert.Null(await Outbox.GetAsync("wx-c", "dl_2"));

        await Callbacks.CompleteAsync("cb_1", CallbackOutcome.Replied, "<xml>reply</xml>");
        var duplicate = await Reopen().Callbacks.RecordDuplicateAsync("wx-c", "100");
        Assert.Equal(CallbackOutcome.Replied, duplicate!.Outcome);
        Assert.Equal("<xml>reply</xml>", duplicate.ReplyXml);
        Assert.Equal(1, duplicate.Duplicates);
        Assert.Null(await Callbacks.RecordDuplicateAsync("wx-c", "999"));
        Assert.Equal(["cb_1"], (await Callbacks.ListAsync("wx-c", 10)).Select(c => c.Id));
    }

    [Fact]
    public async Task Concurrent_accepts_of_one_push_let_exactly_one_through()
    {
        await Apps.AddAsync(App("wx-race"));
        var accepted = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Callbacks.AcceptAsync(Callback("wx-race", "7", id: $"cb_{i}"), [])));
        Assert.Single(accepted, a => a);
    }

    [Fact]
    public async Task Due_entries_are_claimed_once_retried_when_due_and_released_after_a_restart()
    {
        await Apps.AddAsync(App("wx-o"));
        await Subscribers.AddAsync(Subscriber("wx-o"));
        await Callbacks.AcceptAsync(Callback("wx-o", "1"),
        [
            Entry("wx-o", "cb_1", "sub_1", "dl_due"),
            Entry("wx-o", "cb_1", "sub_1", "dl_later", due: T0.AddMinutes(1)),
            Entry("wx-o", "cb_1", "sub_1", "dl_sync", DeliveryState.InFlight),
        ]);
        Assert.Equal(T0, await Outbox.NextDueAsync());

        var claimed = Assert.Single(await Outbox.ClaimDueAsync(T0, 10, T0.AddMinutes(1)));
        Assert.Equal("dl_due", claimed.Entry.Id);
        Assert.Equal("""{"msg_type":"text"}""", claimed.Message);
        Assert.Empty(await Outbox.ClaimDueAsync(T0, 10, T0.AddMinutes(1)));

        await Outbox.MarkFailedAsync("dl_due", T0.AddSeconds(5), "HTTP 503");
        var failed = await Outbox.GetAsync("wx-o", "dl_due");
        Assert.Equal((DeliveryState.Pending, 1, T0.AddSeconds(5), "HTTP 503"), (failed!.State, failed.Attempts, failed.NextAttemptAt, failed.LastError));
        Assert.Equal(["dl_due"], (await Outbox.ClaimDueAsync(T0.AddSeconds(5), 10, T0.AddSeconds(5).AddMinutes(1))).Select(d => d.Entry.Id));
        await Outbox.MarkDeliveredAsync("dl_due", T0.AddSeconds(6));
        Assert.Equal(DeliveryState.Delivered, (await Outbox.GetAsync("wx-o", "dl_due"))!.State);

        Assert.Equal(1, await KeepAsync(Reopen().Outbox, T0.AddSeconds(10)));
        Assert.Equal(["dl_sync"], (await Outbox.ClaimDueAsync(T0.AddSeconds(10), 10, T0.AddSeconds(10).AddMinutes(1))).Select(d => d.Entry.Id));
        Assert.Equal(["dl_due"], (await Outbox.ListAsync("wx-o", DeliveryState.Delivered, 10)).Select(e => e.Id));
    }

    [Fact]
    public async Task Replay_makes_a_finished_entry_due_again_but_not_one_in_flight()
    {
        await Apps.AddAsync(App("wx-r"));
        await Subscribers.AddAsync(Subscriber("wx-r"));
        await Callbacks.AcceptAsync(Callback("wx-r", "1"), [Entry("wx-r", "cb_1", "sub_1", "dl_1"), Entry("wx-r", "cb_1", "sub_1", "dl_2", DeliveryState.InFlight)]);
        await Outbox.ClaimDueAsync(T0, 10, T0.AddMinutes(1));
        await Outbox.MarkDeliveredAsync("dl_1", T0);

        var replayed = await Outbox.ReplayAsync("wx-r", "dl_1", T0.AddHours(1));
        Assert.Equal((DeliveryState.Pending, T0.AddHours(1)), (replayed!.State, replayed.NextAttemptAt));
        Assert.Null(await Outbox.ReplayAsync("wx-r", "dl_2", T0.AddHours(1)));
        Assert.Null(await Outbox.ReplayAsync("wx-other", "dl_1", T0.AddHours(1)));
    }

    [Fact]
    public async Task Pruning_forgets_old_finished_pushes_and_removing_an_app_removes_its_messages()
    {
        await Apps.AddAsync(App("wx-p"));
        await Subscribers.AddAsync(Subscriber("wx-p"));
        await Callbacks.AcceptAsync(Callback("wx-p", "1", id: "cb_done"), [Entry("wx-p", "cb_done", "sub_1", "dl_done")]);
        await Callbacks.AcceptAsync(Callback("wx-p", "2", id: "cb_open"), [Entry("wx-p", "cb_open", "sub_1", "dl_open")]);
        await Callbacks.AcceptAsync(Callback("wx-p", "3", id: "cb_new", at: T0.AddDays(8)), []);
        await Outbox.MarkDeliveredAsync("dl_done", T0);

        Assert.Equal(1, await Callbacks.PruneAsync(T0.AddDays(7)));
        Assert.Equal(["cb_new", "cb_open"], (await Callbacks.ListAsync("wx-p", 10)).Select(c => c.Id));
        Assert.Null(await Outbox.GetAsync("wx-p", "dl_done"));

        Assert.True(await Apps.DeleteAsync("wx-p"));
        Assert.Empty(await Callbacks.ListAsync("wx-p", 10));
        Assert.Empty(await Subscribers.ListAsync("wx-p"));
        Assert.Null(await Outbox.GetAsync("wx-p", "dl_open"));
    }

    [Fact]
    public async Task Pushes_list_newest_first_and_in_arrival_order_within_one_instant()
    {
        await Apps.AddAsync(App("wx-order"));
        foreach (var (key, at) in new[] { ("a", T0), ("b", T0), ("c", T0.AddSeconds(1)) })
            await Callbacks.AcceptAsync(Callback("wx-order", key, id: $"cb_{key}", at: at), []);
        Assert.Equal(["c", "b", "a"], (await Callbacks.ListAsync("wx-order", 10)).Select(p => p.DeduplicationKey));
        Assert.Equal(["c", "b"], (await Callbacks.ListAsync("wx-order", 2)).Select(p => p.DeduplicationKey));
    }

    [Fact]
    public async Task Due_entries_are_claimed_once_even_by_racing_instances()
    {
        await Apps.AddAsync(App("wx-claims"));
        await Subscribers.AddAsync(Subscriber("wx-claims"));
        await Callbacks.AcceptAsync(Callback("wx-claims", "1"),
            [.. Enumerable.Range(0, 20).Select(i => Entry("wx-claims", "cb_1", "sub_1", $"dl_{i}", due: T0.AddSeconds(i % 2)))]);

        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? Opened : Reopen()).Outbox.ClaimDueAsync(T0.AddSeconds(5), 20, T0.AddSeconds(5).AddMinutes(1))));
        var claimed = claims.SelectMany(c => c).ToList();
        Assert.Equal(20, claimed.Select(d => d.Entry.Id).Distinct().Count());
        Assert.Equal(20, claimed.Count);
        Assert.All(claimed, d => Assert.Equal(DeliveryState.InFlight, d.Entry.State));
        Assert.Null(await Outbox.NextDueAsync());
    }

    [Fact]
    public async Task Entries_in_flight_belong_to_the_instance_that_claimed_them_until_its_claim_lapses()
    {
        await Apps.AddAsync(App("wx-own"));
        await Subscribers.AddAsync(Subscriber("wx-own"));
        await Callbacks.AcceptAsync(Callback("wx-own", "1"), [Entry("wx-own", "cb_1", "sub_1", "dl_1"), Entry("wx-own", "cb_1", "sub_1", "dl_2")]);
        Assert.Equal(2, (await Outbox.ClaimDueAsync(T0, 10, T0.AddMinutes(1))).Count);
        var other = Reopen().Outbox;

        if (!Clustered)
        {
            // One process per SQLite store: whatever an earlier process claimed is taken back at once.
            Assert.Equal(2, await KeepAsync(other, T0.AddSeconds(10)));
            return;
        }
        // Another live instance's claims are left alone (and not renewed by it); renewed ones outlive their first term,
        // unrenewed ones lapse.
        Assert.Equal(0, await KeepAsync(other, T0.AddSeconds(10), "dl_1", "dl_2"));
        Assert.Equal(T0.AddMinutes(1), (await Outbox.GetAsync("wx-own", "dl_1"))!.NextAttemptAt);
        Assert.Equal(0, await Outbox.KeepClaimsAsync(["dl_1"], T0.AddSeconds(40), T0.AddMinutes(2), unreachableSince: null));
        Assert.Equal(1, await KeepAsync(other, T0.AddSeconds(90)));
        Assert.Equal((DeliveryState.InFlight, DeliveryState.Pending), ((await Outbox.GetAsync("wx-own", "dl_1"))!.State, (await Outbox.GetAsync("wx-own", "dl_2"))!.State));

        // The first instance's late failure of an entry it no longer holds does not disturb the one that took it over.
        Assert.Equal(["dl_2"], (await other.ClaimDueAsync(T0.AddSeconds(90), 10, T0.AddMinutes(3))).Select(d => d.Entry.Id));
        await Outbox.MarkFailedAsync("dl_2", T0.AddSeconds(95), "late");
        Assert.Equal(DeliveryState.InFlight, (await Outbox.GetAsync("wx-own", "dl_2"))!.State);
    }

    [Fact]
    public async Task An_upkeep_never_takes_back_a_claim_it_renews_even_one_that_lapsed()
    {
        await Apps.AddAsync(App("wx-held"));
        await Subscribers.AddAsync(Subscriber("wx-held"));
        await Callbacks.AcceptAsync(Callback("wx-held", "1"), [Entry("wx-held", "cb_1", "sub_1", "dl_held"), Entry("wx-held", "cb_1", "sub_1", "dl_lost")]);
        Assert.Equal(2, (await Outbox.ClaimDueAsync(T0, 10, T0.AddMinutes(1))).Count);

        // Both claims lapsed (the store was away, say); the one still held is renewed in the same write, the other taken back.
        Assert.Equal(1, await KeepAsync(Outbox, T0.AddMinutes(5), "dl_held"));
        var held = await Outbox.GetAsync("wx-held", "dl_held");
        Assert.Equal((DeliveryState.InFlight, T0.AddMinutes(6)), (held!.State, held.NextAttemptAt));
        Assert.Equal(DeliveryState.Pending, (await Outbox.GetAsync("wx-held", "dl_lost"))!.State);
    }

    [Fact]
    public async Task After_an_outage_other_instances_claims_live_when_the_store_was_last_reached_get_a_new_term()
    {
        // One process per SQLite store: no other holder to wait for.
        if (!Clustered) return;
        await Apps.AddAsync(App("wx-away"));
        await Subscribers.AddAsync(Subscriber("wx-away"));
        await Callbacks.AcceptAsync(Callback("wx-away", "1"),
        [
            Entry("wx-away", "cb_1", "sub_1", "dl_dead"),
            Entry("wx-away", "cb_1", "sub_1", "dl_live", due: T0.AddSeconds(30)),
            Entry("wx-away", "cb_1", "sub_1", "dl_orphan", due: T0.AddSeconds(35)),
        ]);
        await Outbox.ClaimDueAsync(T0, 10, T0.AddSeconds(20));
        await Outbox.ClaimDueAsync(T0.AddSeconds(30), 10, T0.AddSeconds(90));
        // The keeper last reached the store at T0+40s and is back an hour later; it claimed dl_orphan and holds it no more.
        var keeper = Reopen().Outbox;
        await keeper.ClaimDueAsync(T0.AddSeconds(35), 10, T0.AddSeconds(95));

        // dl_dead lapsed while the store was there (its holder stopped renewing) and dl_orphan is the keeper's own: taken
        // back. dl_live lapsed while no one could renew it: a new term, in which its holder can record what it sent.
        var back = T0.AddHours(1);
        Assert.Equal(2, await keeper.KeepClaimsAsync([], back, back.AddMinutes(1), unreachableSince: T0.AddSeconds(40)));
        Assert.Equal(DeliveryState.Pending, (await Outbox.GetAsync("wx-away", "dl_dead"))!.State);
        Assert.Equal(DeliveryState.Pending, (await Outbox.GetAsync("wx-away", "dl_orphan"))!.State);
        var live = await Outbox.GetAsync("wx-away", "dl_live");
        Assert.Equal((DeliveryState.InFlight, back.AddMinutes(1)), (live!.State, live.NextAttemptAt));

        await Outbox.MarkDeliveredAsync("dl_live", back.AddSeconds(5));
        Assert.Equal(0, await KeepAsync(keeper, back.AddMinutes(2)));
        Assert.Equal(DeliveryState.Delivered, (await Outbox.GetAsync("wx-away", "dl_live"))!.State);
    }
}
