using Microsoft.Data.Sqlite;
using WxHub.Core.Identity;

namespace WxHub.Core.Storage.Sqlite;

public sealed class SqliteBackfillStore(SqliteDatabase database) : IBackfillStore
{
    public async Task<BackfillProgress?> GetAsync(string appid, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync(
            "SELECT state, page_cursor, page_offset, total, recorded, started_at, updated_at, error FROM follower_backfills WHERE appid = $appid",
            r => new BackfillProgress(
                appid, Enum.Parse<BackfillState>(r.GetString(0)), r.GetStringOrNull(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetInt64(3),
                r.GetInt64(4), r.FromUnixMs(5), r.FromUnixMs(6), r.GetStringOrNull(7)),
            cancellationToken, ("$appid", appid))).SingleOrDefault();

    public Task SaveAsync(BackfillProgress progress, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync(Upsert, cancellationToken, Parameters(progress));

    public async Task SaveAsync(BackfillProgress progress, IReadOnlyCollection<IdentitySighting> batch, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await SqliteUserDirectoryStore.RecordAsync(transaction, batch, progress.UpdatedAt, cancellationToken);
        await using var save = connection.Command(Upsert, Parameters(progress));
        save.Transaction = transaction;
        await save.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private const string Upsert =
        """
        INSERT INTO follower_backfills (appid, state, page_cursor, page_offset, total, recorded, started_at, updated_at, error)
        VALUES ($appid, $state, $cursor, $offset, $total, $recorded, $started, $updated, $error)
        ON CONFLICT (appid) DO UPDATE SET state = excluded.state, page_cursor = excluded.page_cursor, page_offset = excluded.page_offset,
            total = excluded.total, recorded = excluded.recorded, started_at = excluded.started_at, updated_at = excluded.updated_at, error = excluded.error
        """;

    private static (string, object?)[] Parameters(BackfillProgress progress) =>
    [
        ("$appid", progress.Appid), ("$state", progress.State.ToString()), ("$cursor", progress.PageCursor), ("$offset", progress.PageOffset),
        ("$total", progress.Total), ("$recorded", progress.Recorded), ("$started", progress.StartedAt.ToUnixMs()),
        ("$updated", progress.UpdatedAt.ToUnixMs()), ("$error", progress.Error),
    ];
}
