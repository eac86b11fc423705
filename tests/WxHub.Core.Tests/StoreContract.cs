using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Core.Credentials;
using WxHub.Core.Messages;

namespace WxHub.Core.Tests;

/// <summary>
/// What every store implementation must do. Each implementation (SQLite now, PostgreSQL in the cluster) runs this same
/// suite by deriving from it and opening a fresh, empty store.
/// </summary>
public abstract class StoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected abstract IAppStore Apps { get; }
    protected abstract ICredentialStore Credentials { get; }
    protected abstract IRefreshEventStore Events { get; }
    protected abstract IQuotaStore Quotas { get; }
    protected abstract IApiKeyStore Keys { get; }
    protected abstract ISubscriberStore Subscribers { get; }
    protected abstract ICallbackStore Callbacks { get; }
    protected abstract IOutboxStore Outbox { get; }

    /// <summary>A second view of the same storage, as after a restart: what the first wrote must be there.</summary>
    protected abstract StoreContract Reopen();

    protected static AppRegistration App(string appid, string secret = "secret-1") =>
        new(appid, AppType.OfficialAccount, TokenMode.Stable, secret, "tok123", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", null, T0, T0);

    [Fact]
    public async Task Apps_round_trip_with_their_secrets_and_survive_a_reopen()
    {
        var app = App("wx1000000000000001");
        Assert.True(await Apps.AddAsync(app));
        Assert.False(await Apps.AddAsync(app with { Secret = "other" }));

        Assert.Equal(app, await Reopen().Apps.GetAsync(app.Appid));
        Assert.Null(await Apps.GetAsync("wx-missing"));
    }

    [Fact]
    public async Task Update_replaces_and_delete_removes_the_app_with_its_credentials()
    {
        var app = App("wx1000000000000002");
        await Apps.AddAsync(app);
        var changed = app with { Secret = "secret-2", TokenMode = TokenMode.Classic, PreviousEncodingAesKey = app.EncodingAesKey, UpdatedAt = T0.AddHours(1) };
        Assert.True(await Apps.UpdateAsync(changed));
        Assert.Equal(changed, await Apps.GetAsync(app.Appid));
        Assert.False(await Apps.UpdateAsync(App("wx-not-there")));

        var key = new CredentialKey(app.Appid, CredentialKind.AccessToken);
        await Credentials.SaveAsync(new StoredCredential(key, "token-value", T0, T0.AddHours(2)));
        Assert.True(await Apps.DeleteAsync(app.Appid));
        Assert.False(await Apps.DeleteAsync(app.Appid));
        Assert.Null(await Apps.GetAsync(app.Appid));
        Assert.Null(await Credentials.GetAsync(key));
    }

    [Fact]
    public async Task List_returns_apps_in_appid_order()
    {
        await Apps.AddAsync(App("wx-b"));
        await Apps.AddAsync(App("wx-a"));
        Assert.Equal(["wx-a", "wx-b"], (await Apps.ListAsync()).Select(a => a.Appid));
    }

    [Fact]
    public async Task Credentials_are_replaced_per_key_and_survive_a_reopen()
    {
        var token = new CredentialKey("wx-c", CredentialKind.AccessToken);
        var ticket = new CredentialKey("wx-c", CredentialKind.JsapiTicket);
        await Credentials.SaveAsync(new StoredCredential(token, "first", T0, T0.AddHours(2)));
        await Credentials.SaveAsync(new StoredCredential(token, "second", T0.AddHours(1), T0.AddHours(3)));
        await Credentials.SaveAsync(new StoredCredential(ticket, "ticket", T0, T0.AddHours(2)));

        var reopened = Reopen();
        Assert.Equal(new StoredCredential(token, "second", T0.AddHours(1), T0.AddHours(3)), await reopened.Credentials.GetAsync(token));
        Assert.Equal("ticket", (await reopened.Credentials.GetAsync(ticket))?.Value);

        await Credentials.DeleteAsync(token);
        Assert.Null(await Credentials.GetAsync(token));
        Assert.NotNull(await Credentials.GetAsync(ticket));
    }

    [Fact]
    public async Task Refresh_events_list_newest_first_per_app_with_a_limit()
    {
        var key = new CredentialKey("wx-e", CredentialKind.AccessToken);
        for (var i = 0; i < 5; i++)
            await Events.AddAsync(new RefreshEvent(key, T0.AddMinutes(i), RefreshReason.Schedule, i == 4 ? RefreshOutcome.Failed : RefreshOutcome.Succeeded, i == 4 ? 40164 : null, i == 4 ? "ip" : null));
        await Events.AddAsync(new RefreshEvent(new CredentialKey("wx-other", CredentialKind.AccessToken), T0, RefreshReason.Startup, RefreshOutcome.Succeeded, null, null));

        var events = await Events.ListAsync("wx-e", 3);
        Assert.Equal([T0.AddMinutes(4), T0.AddMinutes(3), T0.AddMinutes(2)], events.Select(e => e.At));
        Assert.Equal(new RefreshEvent(key, T0.AddMinutes(4), RefreshReason.Schedule, RefreshOutcome.Failed, 40164, "ip"), events[0]);
    }

    [Fact]
    public async Task Quota_counts_per_app_endpoint_and_day_and_resets()
    {
        var day = new DateOnly(2026, 1, 1);
        Assert.Equal(1, await Quotas.IncrementAsync("wx-q", "/cgi-bin/token", day));
        Assert.Equal(2, await Quotas.IncrementAsync("wx-q", "/cgi-bin/token", day));
        Assert.Equal(1, await Quotas.IncrementAsync("wx-q", "/cgi-bin/token", day.AddDays(1)));
        Assert.Equal(1, await Quotas.IncrementAsync("wx-q", "/cgi-bin/ticket/getticket", day));
        Assert.Equal(2, await Reopen().Quotas.GetAsync("wx-q", "/cgi-bin/token", day));

        await Quotas.ResetAsync("wx-q", "/cgi-bin/token", day);
        Assert.Equal(0, await Quotas.GetAsync("wx-q", "/cgi-bin/token", day));
    }

    [Fact]
    public async Task Quota_increments_are_not_lost_under_concurrency()
    {
        var day = new DateOnly(2026, 1, 1);
        var counts = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Quotas.IncrementAsync("wx-cq", "/cgi-bin/stable_token", day)));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), counts.Order());
    }

    [Fact]
    public async Task Api_keys_round_trip_and_revoke_once()
    {
        var (id, _, hash) = ApiKeySecret.Generate();
        var key = new ApiKey(id, "shop", ["wx-a", "wx-b"], [ApiScopes.AccessToken], hash, T0, null);
        await Keys.AddAsync(key);

        var stored = await Reopen().Keys.GetAsync(id);
        Assert.NotNull(stored);
        Assert.Equal(key.Apps, stored.Apps);
        Assert.Equal(key.Scopes, stored.Scopes);
        Assert.Equal(hash, stored.SecretHash);

        Assert.True(await Keys.RevokeAsync(id, T0.AddDays(1)));
        Assert.True(await Keys.RevokeAsync(id, T0.AddDays(2)));
        Assert.Equal(T0.AddDays(1), (await Keys.GetAsync(id))!.RevokedAt);
        Assert.False(await Keys.RevokeAsync("0000000000000000", T0));
        Assert.Single(await Keys.ListAsync());
    }

    protected static Subscriber Subscriber(string appid, SubscriberMode mode = SubscriberMode.Async, string id = "sub_1") =>
        new(id, appid, new Uri("http://127.0.0.1:9/hook"), "subscriber-secret-0123456789", ["text", "subscribe"], mode, T0);

    protected static CallbackRecord Callback(string appid, string key, string id = "cb_1", DateTimeOffset? at = null) =>
        new(id, appid, key, at ?? T0, "text", null, "oUSER", CallbackEncryption.Safe, PushFormat.Xml, """{"msg_type":"text"}""", CallbackOutcome.Pending, null, 0);

    protected static OutboxEntry Entry(string appid, string callbackId, string subscriberId, string id, DeliveryState state = DeliveryState.Pending, DateTimeOffset? due = null) =>
        new(id, appid, callbackId, subscriberId, state, 0, due ?? T0, null, T0, null);

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

        var claimed = Assert.Single(await Outbox.ClaimDueAsync(T0, 10));
        Assert.Equal("dl_due", claimed.Entry.Id);
        Assert.Equal("""{"msg_type":"text"}""", claimed.Message);
        Assert.Empty(await Outbox.ClaimDueAsync(T0, 10));

        await Outbox.MarkFailedAsync("dl_due", T0.AddSeconds(5), "HTTP 503");
        var failed = await Outbox.GetAsync("wx-o", "dl_due");
        Assert.Equal((DeliveryState.Pending, 1, T0.AddSeconds(5), "HTTP 503"), (failed!.State, failed.Attempts, failed.NextAttemptAt, failed.LastError));
        Assert.Equal(["dl_due"], (await Outbox.ClaimDueAsync(T0.AddSeconds(5), 10)).Select(d => d.Entry.Id));
        await Outbox.MarkDeliveredAsync("dl_due", T0.AddSeconds(6));
        Assert.Equal(DeliveryState.Delivered, (await Outbox.GetAsync("wx-o", "dl_due"))!.State);

        Assert.Equal(1, await Reopen().Outbox.ReleaseInFlightAsync(T0.AddSeconds(10)));
        Assert.Equal(["dl_sync"], (await Outbox.ClaimDueAsync(T0.AddSeconds(10), 10)).Select(d => d.Entry.Id));
        Assert.Equal(["dl_due"], (await Outbox.ListAsync("wx-o", DeliveryState.Delivered, 10)).Select(e => e.Id));
    }

    [Fact]
    public async Task Replay_makes_a_finished_entry_due_again_but_not_one_in_flight()
    {
        await Apps.AddAsync(App("wx-r"));
        await Subscribers.AddAsync(Subscriber("wx-r"));
        await Callbacks.AcceptAsync(Callback("wx-r", "1"), [Entry("wx-r", "cb_1", "sub_1", "dl_1"), Entry("wx-r", "cb_1", "sub_1", "dl_2", DeliveryState.InFlight)]);
        await Outbox.ClaimDueAsync(T0, 10);
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
}
