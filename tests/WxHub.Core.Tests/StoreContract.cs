using System.Security.Cryptography;
using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Core.Components;
using WxHub.Core.Coordination;
using WxHub.Core.Credentials;
using WxHub.Core.Identity;
using WxHub.Core.Messages;
using WxHub.Core.MiniProgram;
using WxHub.Core.OAuth;
using WxHub.Core.Secrets;
using WxHub.Core.Storage.Sql;
using WxHub.Testing;

namespace WxHub.Core.Tests;

/// <summary>
/// What every store must do. Each database (SQLite, PostgreSQL) runs this same suite by deriving from it and opening a
/// fresh, empty database.
/// </summary>
public abstract partial class StoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<SqlDatabase> _opened = [];
    private Stores? _stores;

    protected ManualTimeProvider Clock { get; } = new(T0);

    protected SecretProtector Protector { get; } = new(RandomNumberGenerator.GetBytes(MasterKey.Size));

    protected SqlDatabase Database => Opened.Database;

    protected IAppStore Apps => Opened.Apps;
    protected ICredentialStore Credentials => Opened.Credentials;
    protected IRefreshEventStore Events => Opened.Events;
    protected IQuotaStore Quotas => Opened.Quotas;
    protected IApiKeyStore Keys => Opened.Keys;
    protected ILeaseStore Leases => Opened.Leases;
    protected ISubscriberStore Subscribers => Opened.Subscribers;
    protected ICallbackStore Callbacks => Opened.Callbacks;
    protected IOutboxStore Outbox => Opened.Outbox;
    protected IOAuthStore OAuth => Opened.OAuth;
    protected IOAuthGrantStore Grants => Opened.Grants;
    protected IMiniProgramSessionStore Sessions => Opened.Sessions;
    protected IUserDirectoryStore UserDirectory => Opened.UserDirectory;
    protected IBackfillStore Backfills => Opened.Backfills;
    protected IComponentStore Components => Opened.Components;
    protected IAuthorizerStore Authorizers => Opened.Authorizers;

    private Stores Opened => _stores ?? throw new InvalidOperationException("The store is not open yet.");

    /// <summary>Creates the empty storage under test (a folder, a database).</summary>
    protected abstract Task CreateStorageAsync();

    /// <summary>A new database object on the storage, as another process or a restart would open it.</summary>
    protected abstract SqlDatabase OpenDatabase();

    /// <summary>Removes what <see cref="CreateStorageAsync"/> made, once every database object is disposed.</summary>
    protected abstract Task DeleteStorageAsync();

    /// <summary>A second database object on the same storage, disposed with the test.</summary>
    protected SqlDatabase OpenAgain()
    {
        var database = OpenDatabase();
        _opened.Add(database);
        return database;
    }

    /// <summary>The stores over a second view of the same storage: what the first wrote must be there.</summary>
    protected Stores Reopen() => new(OpenAgain(), Protector, Clock, WxHubInstance.Start(Clustered));

    public async Task InitializeAsync()
    {
        await CreateStorageAsync();
        _stores = new Stores(OpenAgain(), Protector, Clock, WxHubInstance.Start(Clustered));
    }

    public async Task DisposeAsync()
    {
        foreach (var database in _opened) await database.DisposeAsync();
        await DeleteStorageAsync();
    }

    /// <summary>Whether other instances may share the storage (PostgreSQL), as the server registers it.</summary>
    protected abstract bool Clustered { get; }

    /// <param name="Instance">Each view is an instance of its own, as each process is.</param>
    protected sealed record Stores(SqlDatabase Database, SecretProtector Protector, TimeProvider Time, WxHubInstance Instance)
    {
        public IAppStore Apps => new SqlAppStore(Database, Protector);
        public ICredentialStore Credentials => new SqlCredentialStore(Database, Protector);
        public IRefreshEventStore Events => new SqlRefreshEventStore(Database);
        public IQuotaStore Quotas => new SqlQuotaStore(Database);
        public IApiKeyStore Keys => new SqlApiKeyStore(Database);
        public ILeaseStore Leases => new SqlLeaseStore(Database, Time);
        public ISubscriberStore Subscribers => new SqlSubscriberStore(Database, Protector);
        public ICallbackStore Callbacks => new SqlCallbackStore(Database, Instance);
        public IOutboxStore Outbox => new SqlOutboxStore(Database, Instance);
        public IOAuthStore OAuth => new SqlOAuthStore(Database);
        public IOAuthGrantStore Grants => new SqlOAuthGrantStore(Database, Protector);
        public IMiniProgramSessionStore Sessions => new SqlMiniProgramSessionStore(Database, Protector);
        public IUserDirectoryStore UserDirectory => new SqlUserDirectoryStore(Database);
        public IBackfillStore Backfills => new SqlBackfillStore(Database);
        public IComponentStore Components => new SqlComponentStore(Database, Protector);
        public IAuthorizerStore Authorizers => new SqlAuthorizerStore(Database, Protector);
    }

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

    [Fact]
    public async Task The_schema_is_migrated_once_by_several_databases_opening_it_at_once()
    {
        var others = Enumerable.Range(0, 4).Select(_ => OpenAgain()).ToList();
        await Task.WhenAll(others.Select(async database => (await database.OpenAsync()).Dispose()));
        await using var connection = await Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_version";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(reader.GetInt64(0), reader.GetInt64(1));
        Assert.True(reader.GetInt64(0) >= 2);
    }

    [Fact]
    public async Task The_store_reports_itself_reachable()
    {
        Assert.True((await Database.CheckAsync()).IsReachable);
    }

    [Fact]
    public async Task A_lease_has_one_holder_until_it_lapses_or_is_released()
    {
        var first = await Leases.TryAcquireAsync("refresh/wx1/AccessToken", "instance-a", TimeSpan.FromSeconds(30));
        Assert.NotNull(first);
        Assert.Equal(T0.AddSeconds(30), first.ExpiresAt);
        Assert.Null(await Reopen().Leases.TryAcquireAsync("refresh/wx1/AccessToken", "instance-b", TimeSpan.FromSeconds(30)));
        Assert.NotNull(await Leases.TryAcquireAsync("refresh/wx2/AccessToken", "instance-b", TimeSpan.FromSeconds(30)));

        Clock.Advance(TimeSpan.FromSeconds(20));
        var renewed = await Leases.RenewAsync(first, TimeSpan.FromSeconds(30));
        Assert.Equal(first with { ExpiresAt = T0.AddSeconds(50) }, renewed);

        Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(await Leases.TryAcquireAsync("refresh/wx1/AccessToken", "instance-b", TimeSpan.FromSeconds(30)));

        // The holder crashed and never renewed: its lease lapses and the next holder gets a new generation.
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Leases.TryAcquireAsync("refresh/wx1/AccessToken", "instance-b", TimeSpan.FromSeconds(30));
        Assert.NotNull(second);
        Assert.Equal(first.Generation + 1, second.Generation);
        Assert.Null(await Leases.RenewAsync(first, TimeSpan.FromSeconds(30)));
        Assert.False(await Leases.ReleaseAsync(first));

        Assert.True(await Leases.ReleaseAsync(second));
        Assert.False(await Leases.ReleaseAsync(second));
        var third = await Leases.TryAcquireAsync("refresh/wx1/AccessToken", "instance-a", TimeSpan.FromSeconds(30));
        Assert.Equal(second.Generation + 1, third?.Generation);
    }

    [Fact]
    public async Task A_holder_taking_its_live_lease_again_extends_it_in_the_same_generation()
    {
        var first = await Leases.TryAcquireAsync("k", "a", TimeSpan.FromSeconds(10));
        Clock.Advance(TimeSpan.FromSeconds(5));
        var again = await Leases.TryAcquireAsync("k", "a", TimeSpan.FromSeconds(10));
        Assert.Equal(first! with { ExpiresAt = T0.AddSeconds(15) }, again);
    }

    [Fact]
    public async Task Racing_holders_get_a_lease_exactly_once()
    {
        var contenders = Enumerable.Range(0, 8).Select(i => (Stores: i % 2 == 0 ? Opened : Reopen(), Holder: $"instance-{i}")).ToList();
        var results = await Task.WhenAll(contenders.Select(c => c.Stores.Leases.TryAcquireAsync("race", c.Holder, TimeSpan.FromSeconds(30))));
        Assert.Single(results, lease => lease is not null);
    }

    /// <summary>Stores one of each secret the stores keep; returns them, which must not appear where they are kept.</summary>
    protected async Task<string[]> StoreSecretsAsync()
    {
        const string secret = "0123456789abcdef0123456789abcdef";
        const string aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        const string token = "ACCESS_TOKEN_x7Q9-very-secret-token-value";
        const string hookSecret = "hook-secret-x7Q9-never-in-the-clear";
        await Apps.AddAsync(App("wx-secrets", secret) with { EncodingAesKey = aesKey });
        await Credentials.SaveAsync(new StoredCredential(new CredentialKey("wx-secrets", CredentialKind.AccessToken), token, T0, T0.AddHours(2)));
        const string sessionKey = "c2Vzc2lvbi1rZXktc2VjcmV0";
        await Subscribers.AddAsync(Subscriber("wx-secrets") with { Secret = hookSecret });
        await Sessions.AddAsync(new MiniProgramSession("s1", "wx-secrets", "o", null, sessionKey, T0, T0.AddDays(1)));
        await Grants.SaveAsync(new OAuthGrant("wx-secrets", "o", null, "snsapi_base", "oauth-access-secret", T0.AddHours(2), "oauth-refresh-secret", T0.AddDays(30)));
        return [secret, aesKey, token, hookSecret, sessionKey, "oauth-access-secret", "oauth-refresh-secret"];
    }

    protected static void AssertHoldsNone(byte[] stored, IEnumerable<string> secrets)
    {
        Assert.NotEmpty(stored);
        foreach (var secret in secrets)
            Assert.Equal(-1, stored.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(secret)));
    }

    [Fact]
    public async Task Stored_rows_hold_no_secret_or_token_in_the_clear()
    {
        var secrets = await StoreSecretsAsync();
        var stored = new List<byte>();
        await using var connection = await Database.OpenAsync();
        foreach (var table in new[] { "apps", "credentials", "subscribers", "miniprogram_sessions", "oauth_grants" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                for (var i = 0; i < reader.FieldCount; i++)
                    stored.AddRange(reader.GetValue(i) switch { byte[] b => b, var other => System.Text.Encoding.UTF8.GetBytes(other.ToString() ?? "") });
        }
        AssertHoldsNone([.. stored], secrets);
    }

    [Fact]
    public async Task A_different_master_key_cannot_read_the_secrets()
    {
        await Apps.AddAsync(App("wx-mk"));
        var other = new SqlAppStore(Database, new SecretProtector(RandomNumberGenerator.GetBytes(MasterKey.Size)));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => other.GetAsync("wx-mk"));
    }
}
