using System.Text.Json;
using System.Data.Common;
using WxHub.Core.Components;
using WxHub.Core.Secrets;

namespace WxHub.Core.Storage.Sql;

/// <summary>Grants are busy writes (a sync stores pages of 500, refreshes rotate tokens): on SQLite they share each flush.</summary>
public sealed class SqlAuthorizerStore(SqlDatabase database, SecretProtector protector) : IAuthorizerStore
{
    private const string Columns =
        "appid, component_appid, status, refresh_token, scopes, name, account_type, user_name, principal_name, authorized_at, updated_at, revoked_at";

    private const string Active = nameof(AuthorizerStatus.Authorized);

    public async Task<Authorizer?> GetAsync(string appid, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {Columns} FROM authorizers WHERE appid = @appid", Read, cancellationToken, ("@appid", appid))).SingleOrDefault();

    public Task<IReadOnlyList<GrantChange>> SaveGrantsAsync(IReadOnlyList<Authorizer> grants, string auditKind, string? detail, CancellationToken cancellationToken = default) =>
        database.WriteAsync<IReadOnlyList<GrantChange>>(async transaction =>
        {
            var changes = new List<GrantChange>(grants.Count);
            foreach (var grant in grants)
            {
                changes.Add(await SaveGrantAsync(transaction, grant));
                await AddEventAsync(transaction, new AuthorizerEvent(grant.ComponentAppid, grant.Appid, grant.UpdatedAt, auditKind, detail));
            }
            return changes;
        });

    private async Task<GrantChange> SaveGrantAsync(DbTransaction transaction, Authorizer grant)
    {
        byte[]? stored = null;
        await using (var select = transaction.Command($"SELECT refresh_token_hash FROM authorizers WHERE appid = @appid AND status = '{Active}'", ("@appid", grant.Appid)))
        {
            stored = await select.ExecuteScalarAsync() as byte[];
        }
        var profile = grant.Profile;
        await using (var upsert = transaction.Command(
            $"""
            INSERT INTO authorizers ({Columns}, refresh_token_hash, name_key)
            VALUES (@appid, @component, '{Active}', @token, @scopes, @name, @type, @user, @principal, @authorized, @updated, NULL, @hash, @name_key)
            ON CONFLICT (appid) DO UPDATE SET component_appid = excluded.component_appid, status = excluded.status,
                refresh_token = excluded.refresh_token, refresh_token_hash = excluded.refresh_token_hash, scopes = excluded.scopes,
                name = COALESCE(excluded.name, authorizers.name), name_key = COALESCE(excluded.name_key, authorizers.name_key), account_type = COALESCE(excluded.account_type, authorizers.account_type),
                user_name = COALESCE(excluded.user_name, authorizers.user_name), principal_name = COALESCE(excluded.principal_name, authorizers.principal_name),
                authorized_at = excluded.authorized_at, updated_at = excluded.updated_at, revoked_at = NULL
            """,
            ("@appid", grant.Appid), ("@component", grant.ComponentAppid),
            ("@token", protector.Protect(grant.RefreshToken!, Place(grant.Appid))), ("@hash", RefreshTokenHash.Of(grant.RefreshToken!)),
            ("@scopes", Scopes(grant.Scopes)), ("@name", profile?.Name), ("@name_key", NameKey(profile?.Name)), ("@type", profile?.AccountType),
            ("@user", profile?.UserName), ("@principal", profile?.PrincipalName),
            ("@authorized", grant.AuthorizedAt.ToUnixMs()), ("@updated", grant.UpdatedAt.ToUnixMs())))
        {
            await upsert.ExecuteNonQueryAsync();
        }
        return stored is null ? GrantChange.Added : RefreshTokenHash.Matches(stored, grant.RefreshToken!) ? GrantChange.Unchanged : GrantChange.Replaced;
    }

    public Task<bool> ReplaceRefreshTokenAsync(string appid, string previous, string next, AuthorizerEvent audit, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async transaction =>
        {
            await using (var update = transaction.Command(
                $"UPDATE authorizers SET refresh_token = @token, refresh_token_hash = @hash, updated_at = @at WHERE appid = @appid AND status = '{Active}' AND refresh_token_hash = @previous",
                ("@appid", appid), ("@token", protector.Protect(next, Place(appid))), ("@hash", RefreshTokenHash.Of(next)), ("@previous", RefreshTokenHash.Of(previous)), ("@at", audit.At.ToUnixMs())))
            {
                if (await update.ExecuteNonQueryAsync() == 0) return false;
            }
            await AddEventAsync(transaction, audit);
            return true;
        });

    public Task SaveProfileAsync(string appid, AuthorizerProfile profile, IReadOnlyList<int> scopes, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync(
            "UPDATE authorizers SET name = @name, name_key = @name_key, account_type = @type, user_name = @user, principal_name = @principal, scopes = @scopes WHERE appid = @appid",
            cancellationToken,
            ("@appid", appid), ("@name", profile.Name), ("@name_key", NameKey(profile.Name)), ("@type", profile.AccountType), ("@user", profile.UserName),
            ("@principal", profile.PrincipalName), ("@scopes", Scopes(scopes)));

    public Task<bool> RevokeAsync(string appid, AuthorizerEvent audit, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async transaction =>
        {
            await using (var update = transaction.Command(
                $"UPDATE authorizers SET status = '{nameof(AuthorizerStatus.Revoked)}', refresh_token = NULL, refresh_token_hash = NULL, revoked_at = @at, updated_at = @at WHERE appid = @appid AND component_appid = @component AND status = '{Active}'",
                ("@appid", appid), ("@component", audit.ComponentAppid), ("@at", audit.At.ToUnixMs())))
            {
                if (await update.ExecuteNonQueryAsync() == 0) return false;
            }
            await AddEventAsync(transaction, audit);
            return true;
        });

    public async Task<IReadOnlyList<Authorizer>> ListAsync(string componentAppid, string? after, int limit, AuthorizerStatus? status, CancellationToken cancellationToken = default) =>
        await database.QueryAsync(
            $"SELECT {Columns} FROM authorizers WHERE component_appid = @component AND appid > @after AND (CAST(@status AS TEXT) IS NULL OR status = @status) ORDER BY appid LIMIT @limit",
            Read, cancellationToken, ("@component", componentAppid), ("@after", after ?? ""), ("@status", status?.ToString()), ("@limit", limit));

    /// <remarks>
    /// Each half of the union reads one index range (appid prefix; lower-cased name prefix) and keeps only its first
    /// page, so a page costs the same whether the platform has a hundred authorizers or a hundred thousand, except for
    /// a name prefix that matches very many, whose matches are sorted by appid.
    /// </remarks>
    public async Task<IReadOnlyList<Authorizer>> SearchAsync(string componentAppid, string search, string? after, int limit, CancellationToken cancellationToken = default)
    {
        var name = NameKey(search)!;
        return await database.QueryAsync(
            $"""
            SELECT {Columns} FROM authorizers WHERE appid IN (
                SELECT appid FROM (SELECT appid FROM authorizers WHERE component_appid = @component AND appid >= @low AND appid < @high AND appid > @after ORDER BY appid LIMIT @limit) AS by_appid
                UNION
                SELECT appid FROM (SELECT appid FROM authorizers WHERE component_appid = @component AND name_key >= @name_low AND name_key < @name_high AND appid > @after ORDER BY appid LIMIT @limit) AS by_name)
            ORDER BY appid LIMIT @limit
            """,
            Read, cancellationToken, ("@component", componentAppid), ("@after", after ?? ""), ("@limit", limit),
            ("@low", search), ("@high", PrefixEnd(search)), ("@name_low", name), ("@name_high", PrefixEnd(name)));
    }

    public async Task<int> CountAsync(string componentAppid, AuthorizerStatus? status, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync(
            "SELECT COUNT(*) FROM authorizers WHERE component_appid = @component AND (CAST(@status AS TEXT) IS NULL OR status = @status)",
            r => Convert.ToInt32(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), cancellationToken, ("@component", componentAppid), ("@status", status?.ToString()))).Single();

    public async Task<IReadOnlyList<string>> ListActiveAppidsAsync(CancellationToken cancellationToken = default) =>
        await database.QueryAsync($"SELECT appid FROM authorizers WHERE status = '{Active}'", r => r.GetString(0), cancellationToken);

    public async Task<IReadOnlyDictionary<string, byte[]>> ActiveTokenHashesAsync(string componentAppid, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync(
            $"SELECT appid, refresh_token_hash FROM authorizers WHERE component_appid = @component AND status = '{Active}'",
            r => (Appid: r.GetString(0), Hash: (byte[])r.GetValue(1)), cancellationToken, ("@component", componentAppid)))
        .ToDictionary(row => row.Appid, row => row.Hash, StringComparer.Ordinal);

    public async Task<IReadOnlyList<AuthorizerEvent>> ListEventsAsync(string appid, int limit, CancellationToken cancellationToken = default) =>
        await database.QueryAsync(
            "SELECT component_appid, appid, at, kind, detail FROM authorizer_events WHERE appid = @appid ORDER BY id DESC LIMIT @limit",
            r => new AuthorizerEvent(r.GetString(0), r.GetString(1), r.FromUnixMs(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4)),
            cancellationToken, ("@appid", appid), ("@limit", limit));

    public Task AddPendingAsync(PendingAuthorization pending, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("INSERT INTO pending_authorizations (id, component_appid, appid, created_at) VALUES (@id, @component, @appid, @at)", cancellationToken,
            ("@id", pending.Id), ("@component", pending.ComponentAppid), ("@appid", pending.Appid), ("@at", pending.CreatedAt.ToUnixMs()));

    public Task RemovePendingAsync(string id, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM pending_authorizations WHERE id = @id", cancellationToken, ("@id", id));

    public async Task<IReadOnlyList<PendingAuthorization>> ListPendingAsync(CancellationToken cancellationToken = default) =>
        await database.QueryAsync(
            "SELECT id, component_appid, appid, created_at FROM pending_authorizations ORDER BY created_at",
            r => new PendingAuthorization(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.FromUnixMs(3)),
            cancellationToken);

    private static async Task AddEventAsync(DbTransaction transaction, AuthorizerEvent audit)
    {
        await using var insert = transaction.Command(
            "INSERT INTO authorizer_events (component_appid, appid, at, kind, detail) VALUES (@component, @appid, @at, @kind, @detail)",
            ("@component", audit.ComponentAppid), ("@appid", audit.Appid), ("@at", audit.At.ToUnixMs()), ("@kind", audit.Kind), ("@detail", audit.Detail));
        await insert.ExecuteNonQueryAsync();
    }

    /// <summary>What names are searched by: lower-cased, so a search ignores case.</summary>
    private static string? NameKey(string? name) => name?.ToLowerInvariant();

    /// <summary>The least string greater than every string starting with <paramref name="prefix"/>, in ordinal (byte) order.</summary>
    private static string PrefixEnd(string prefix)
    {
        var end = prefix.TrimEnd(char.MaxValue);
        return end.Length == 0 ? char.MaxValue.ToString() : end[..^1] + (char)(end[^1] + 1);
    }

    private static string Scopes(IReadOnlyList<int> scopes) => JsonSerializer.Serialize(scopes, CoreJsonContext.Default.IReadOnlyListInt32);

    private Authorizer Read(DbDataReader r)
    {
        var appid = r.GetString(0);
        return new Authorizer(
            appid,
            r.GetString(1),
            Enum.Parse<AuthorizerStatus>(r.GetString(2)),
            r.GetBlobOrNull(3) is { } token ? protector.Unprotect(token, Place(appid)) : null,
            JsonSerializer.Deserialize(r.GetString(4), CoreJsonContext.Default.IReadOnlyListInt32) ?? [],
            r.IsDBNull(6) ? null : new AuthorizerProfile(r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8)),
            r.FromUnixMs(9),
            r.FromUnixMs(10),
            r.IsDBNull(11) ? null : r.FromUnixMs(11));
    }

    private static string Place(string appid) => $"authorizer/{appid}/refresh_token";
}
