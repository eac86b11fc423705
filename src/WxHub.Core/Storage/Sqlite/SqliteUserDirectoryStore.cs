using System.Text.Json;
using Microsoft.Data.Sqlite;
using WxHub.Core.Identity;

namespace WxHub.Core.Storage.Sqlite;

public sealed class SqliteUserDirectoryStore(SqliteDatabase database) : IUserDirectoryStore
{
    private const string Columns = "appid, openid, unionid, profile, profile_fetched_at, first_seen_at, updated_at";

    // A sighting only adds: COALESCE keeps the known unionid and profile when this one has none.
    private const string Upsert =
        """
        INSERT INTO user_identities (appid, openid, unionid, profile, profile_fetched_at, first_seen_at, updated_at)
        VALUES ($appid, $openid, $unionid, $profile, $fetched, $at, $at)
        ON CONFLICT (appid, openid) DO UPDATE SET
            unionid = COALESCE(excluded.unionid, unionid),
            profile = COALESCE(excluded.profile, profile),
            profile_fetched_at = COALESCE(excluded.profile_fetched_at, profile_fetched_at),
            updated_at = excluded.updated_at
        """;

    public async Task RecordAsync(IReadOnlyCollection<IdentitySighting> sightings, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        if (sightings.Count == 0) return;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await RecordAsync(transaction, sightings, at, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Records the sightings inside the caller's transaction.</summary>
    internal static async Task RecordAsync(SqliteTransaction transaction, IReadOnlyCollection<IdentitySighting> sightings, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.Command(Upsert,
            ("$appid", null), ("$openid", null), ("$unionid", null), ("$profile", null), ("$fetched", null), ("$at", at.ToUnixMs()));
        command.Transaction = transaction;
        foreach (var sighting in sightings)
        {
            command.Parameters["$appid"].Value = sighting.Appid;
            command.Parameters["$openid"].Value = sighting.Openid;
            command.Parameters["$unionid"].Value = (object?)sighting.Unionid ?? DBNull.Value;
            command.Parameters["$profile"].Value = sighting.Profile is null ? DBNull.Value : JsonSerializer.Serialize(sighting.Profile, CoreJsonContext.Default.WeChatUser);
            command.Parameters["$fetched"].Value = sighting.Profile is null ? DBNull.Value : at.ToUnixMs();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task<UserIdentity?> GetAsync(string appid, string openid, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {Columns} FROM user_identities WHERE appid = $appid AND openid = $openid", Read,
            cancellationToken, ("$appid", appid), ("$openid", openid))).SingleOrDefault();

    public async Task<IReadOnlyList<UserIdentity>> FindByUnionidAsync(string unionid, CancellationToken cancellationToken = default) =>
        await database.QueryAsync($"SELECT {Columns} FROM user_identities WHERE unionid = $unionid ORDER BY appid, openid", Read,
            cancellationToken, ("$unionid", unionid));

    public async Task<long> CountAsync(string appid, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync("SELECT COUNT(*) FROM user_identities WHERE appid = $appid", r => r.GetInt64(0),
            cancellationToken, ("$appid", appid))).Single();

    private static UserIdentity Read(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetStringOrNull(2),
        r.GetStringOrNull(3) is { } profile ? JsonSerializer.Deserialize(profile, CoreJsonContext.Default.WeChatUser) : null,
        r.IsDBNull(4) ? null : r.FromUnixMs(4),
        r.FromUnixMs(5),
        r.FromUnixMs(6));
}
