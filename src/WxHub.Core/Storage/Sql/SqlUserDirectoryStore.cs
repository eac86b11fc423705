using WxHub.Protocol.Users;
using System.Text.Json;
using System.Data.Common;
using WxHub.Core.Identity;

namespace WxHub.Core.Storage.Sql;

public sealed class SqlUserDirectoryStore(SqlDatabase database) : IUserDirectoryStore
{
    private const string Columns = "appid, openid, unionid, profile, profile_fetched_at, first_seen_at, updated_at";

    // A sighting only adds: COALESCE keeps the known unionid and profile when this one has none.
    private const string Upsert =
        """
        INSERT INTO user_identities (appid, openid, unionid, profile, profile_fetched_at, first_seen_at, updated_at)
        VALUES (@appid, @openid, @unionid, @profile, @fetched, @at, @at)
        ON CONFLICT (appid, openid) DO UPDATE SET
            unionid = COALESCE(excluded.unionid, user_identities.unionid),
            profile = COALESCE(excluded.profile, user_identities.profile),
            profile_fetched_at = COALESCE(excluded.profile_fetched_at, user_identities.profile_fetched_at),
            updated_at = excluded.updated_at
        """;

    public async Task RecordAsync(IReadOnlyCollection<IdentitySighting> sightings, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        if (sightings.Count == 0) return;
        await database.TransactAsync(async transaction =>
        {
            await RecordAsync(transaction, sightings, at, cancellationToken);
            return sightings.Count;
        }, cancellationToken);
    }

    /// <summary>Records the sightings inside the caller's transaction.</summary>
    internal static async Task RecordAsync(DbTransaction transaction, IReadOnlyCollection<IdentitySighting> sightings, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // One command for the whole batch (a backfill records thousands), its values replaced per sighting.
        await using var command = transaction.Command(Upsert,
            ("@appid", null), ("@openid", null), ("@unionid", null), ("@profile", null), ("@fetched", null), ("@at", at.ToUnixMs()));
        foreach (var sighting in sightings)
        {
            object?[] values =
            [
                sighting.Appid, sighting.Openid, sighting.Unionid,
                sighting.Profile is null ? null : JsonSerializer.Serialize(sighting.Profile, CoreJsonContext.Default.WeChatUser),
                sighting.Profile is null ? null : at.ToUnixMs(),
            ];
            for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task<UserIdentity?> GetAsync(string appid, string openid, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {Columns} FROM user_identities WHERE appid = @appid AND openid = @openid", Read,
            cancellationToken, ("@appid", appid), ("@openid", openid))).SingleOrDefault();

    public async Task<IReadOnlyList<UserIdentity>> FindByUnionidAsync(string unionid, CancellationToken cancellationToken = default) =>
        await database.QueryAsync($"SELECT {Columns} FROM user_identities WHERE unionid = @unionid ORDER BY appid, openid", Read,
            cancellationToken, ("@unionid", unionid));

    public async Task<long> CountAsync(string appid, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync("SELECT COUNT(*) FROM user_identities WHERE appid = @appid", r => r.GetInt64(0),
            cancellationToken, ("@appid", appid))).Single();

    private static UserIdentity Read(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetStringOrNull(2),
        r.GetStringOrNull(3) is { } profile ? JsonSerializer.Deserialize(profile, CoreJsonContext.Default.WeChatUser) : null,
        r.IsDBNull(4) ? null : r.FromUnixMs(4),
        r.FromUnixMs(5),
        r.FromUnixMs(6));
}
