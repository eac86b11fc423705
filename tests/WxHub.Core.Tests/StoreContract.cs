using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Core.Credentials;

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
}
