using WxHub.Core.Credentials;

namespace WxHub.Core.Storage.Sql;

public sealed class SqlRefreshEventStore(SqlDatabase database) : IRefreshEventStore
{
    /// <summary>Events kept per app; older ones are pruned as new ones arrive.</summary>
    public const int RetainedPerApp = 1000;

    /// <summary>A busy write (every refresh records one): on SQLite it shares a flush with the others.</summary>
    public Task AddAsync(RefreshEvent e, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            $"""
            INSERT INTO refresh_events (appid, kind, at, reason, outcome, errcode, detail) VALUES (@appid, @kind, @at, @reason, @outcome, @errcode, @detail);
            DELETE FROM refresh_events WHERE appid = @appid AND id <= (SELECT id FROM refresh_events WHERE appid = @appid ORDER BY id DESC LIMIT 1 OFFSET {RetainedPerApp});
            """,
            cancellationToken,
            ("@appid", e.Key.Appid), ("@kind", e.Key.Kind.ToString()), ("@at", e.At.ToUnixMs()), ("@reason", e.Reason.ToString()),
            ("@outcome", e.Outcome.ToString()), ("@errcode", e.ErrCode), ("@detail", e.Detail));

    public async Task<IReadOnlyList<RefreshEvent>> ListAsync(string appid, int limit, CancellationToken cancellationToken = default) =>
        await database.QueryAsync(
            "SELECT kind, at, reason, outcome, errcode, detail FROM refresh_events WHERE appid = @appid ORDER BY id DESC LIMIT @limit",
            r => new RefreshEvent(
                new CredentialKey(appid, Enum.Parse<CredentialKind>(r.GetString(0))),
                r.FromUnixMs(1),
                Enum.Parse<RefreshReason>(r.GetString(2)),
                Enum.Parse<RefreshOutcome>(r.GetString(3)),
                r.IsDBNull(4) ? null : r.GetInt32(4),
                r.IsDBNull(5) ? null : r.GetString(5)),
            cancellationToken, ("@appid", appid), ("@limit", limit));

    public async Task<IReadOnlyList<RefreshHour>> CountByHourAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        const long HourMs = 3_600_000;
        var rows = await database.QueryAsync(
            $"""
            SELECT at / {HourMs}, outcome, CASE WHEN errcode IS NULL THEN 0 ELSE 1 END, COUNT(*)
            FROM refresh_events WHERE at >= @since GROUP BY 1, 2, 3
            """,
            r => (Hour: r.GetInt64(0), Outcome: Enum.Parse<RefreshOutcome>(r.GetString(1)), Upstream: r.GetInt32(2) == 1, Count: r.GetInt64(3)),
            cancellationToken, ("@since", since.ToUnixMs()));
        return rows
            .GroupBy(row => row.Hour)
            .OrderBy(hour => hour.Key)
            .Select(hour => new RefreshHour(
                DateTimeOffset.FromUnixTimeMilliseconds(hour.Key * HourMs),
                hour.Where(r => r.Outcome == RefreshOutcome.Succeeded).Sum(r => r.Count),
                hour.Where(r => r.Outcome == RefreshOutcome.Failed).Sum(r => r.Count),
                hour.Where(r => r.Outcome == RefreshOutcome.Failed && r.Upstream).Sum(r => r.Count)))
            .ToList();
    }
}
