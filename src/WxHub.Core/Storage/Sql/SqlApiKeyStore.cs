using System.Text.Json;
using WxHub.Core.Access;

namespace WxHub.Core.Storage.Sql;

public sealed class SqlApiKeyStore(SqlDatabase database) : IApiKeyStore
{
    private const string Columns = "id, name, apps, scopes, secret_hash, created_at, revoked_at";

    public async Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {Columns} FROM api_keys WHERE id = @id", Read, cancellationToken, ("@id", id))).SingleOrDefault();

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default) =>
        await database.QueryAsync($"SELECT {Columns} FROM api_keys ORDER BY created_at, id", Read, cancellationToken);

    public Task AddAsync(ApiKey key, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync(
            $"INSERT INTO api_keys ({Columns}) VALUES (@id, @name, @apps, @scopes, @hash, @created, @revoked)",
            cancellationToken,
            ("@id", key.Id), ("@name", key.Name),
            ("@apps", JsonSerializer.Serialize(key.Apps, CoreJsonContext.Default.IReadOnlyListString)),
            ("@scopes", JsonSerializer.Serialize(key.Scopes, CoreJsonContext.Default.IReadOnlyListString)),
            ("@hash", key.SecretHash), ("@created", key.CreatedAt.ToUnixMs()), ("@revoked", key.RevokedAt?.ToUnixMs()));

    public async Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @at) WHERE id = @id", cancellationToken,
            ("@id", id), ("@at", at.ToUnixMs())) == 1;

    private static ApiKey Read(System.Data.Common.DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        JsonSerializer.Deserialize(r.GetString(2), CoreJsonContext.Default.IReadOnlyListString) ?? [],
        JsonSerializer.Deserialize(r.GetString(3), CoreJsonContext.Default.IReadOnlyListString) ?? [],
        (byte[])r.GetValue(4),
        r.FromUnixMs(5),
        r.IsDBNull(6) ? null : r.FromUnixMs(6));
}
