using WxHub.Core.Credentials;
using WxHub.Core.Secrets;

namespace WxHub.Core.Storage.Sql;

/// <summary>Saves are busy writes (the refreshes of many authorizers at once): on SQLite they share each flush.</summary>
public sealed class SqlCredentialStore(SqlDatabase database, SecretProtector protector) : ICredentialStore
{
    public async Task<StoredCredential?> GetAsync(CredentialKey key, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync(
            "SELECT value, obtained_at, expires_at FROM credentials WHERE appid = @appid AND kind = @kind",
            r => new StoredCredential(key, protector.Unprotect((byte[])r.GetValue(0), Place(key)), r.FromUnixMs(1), r.FromUnixMs(2)),
            cancellationToken, ("@appid", key.Appid), ("@kind", key.Kind.ToString()))).SingleOrDefault();

    public Task SaveAsync(StoredCredential credential, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            """
            INSERT INTO credentials (appid, kind, value, obtained_at, expires_at) VALUES (@appid, @kind, @value, @obtained, @expires)
            ON CONFLICT (appid, kind) DO UPDATE SET value = excluded.value, obtained_at = excluded.obtained_at, expires_at = excluded.expires_at
            """,
            cancellationToken,
            ("@appid", credential.Key.Appid),
            ("@kind", credential.Key.Kind.ToString()),
            ("@value", protector.Protect(credential.Value, Place(credential.Key))),
            ("@obtained", credential.ObtainedAt.ToUnixMs()),
            ("@expires", credential.ExpiresAt.ToUnixMs()));

    public Task DeleteAsync(CredentialKey key, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM credentials WHERE appid = @appid AND kind = @kind", cancellationToken,
            ("@appid", key.Appid), ("@kind", key.Kind.ToString()));

    public async Task<IReadOnlyList<CredentialExpiry>> ListExpiriesAsync(CancellationToken cancellationToken = default) =>
        await database.QueryAsync(
            "SELECT appid, kind, expires_at FROM credentials",
            r => new CredentialExpiry(new CredentialKey(r.GetString(0), Enum.Parse<CredentialKind>(r.GetString(1))), r.FromUnixMs(2)),
            cancellationToken);

    private static string Place(CredentialKey key) => $"credential/{key.Appid}/{key.Kind}";
}
