using WxHub.Core.Credentials;

namespace WxHub.Core.Storage.Sql;

/// <summary>Every call to WeChat counts one, many at once: the increments are busy writes (on SQLite they share each flush).</summary>
public sealed class SqlQuotaStore(SqlDatabase database) : IQuotaStore
{
    public async Task<long> IncrementAsync(string appid, string endpoint, DateOnly day, CancellationToken cancellationToken = default) =>
        (await database.WriteReturningAsync(
            """
            INSERT INTO quota_usage (appid, endpoint, day, calls) VALUES (@appid, @endpoint, @day, 1)
            ON CONFLICT (appid, endpoint, day) DO UPDATE SET calls = quota_usage.calls + 1
            RETURNING calls
            """,
            r => r.GetInt64(0), cancellationToken, Key(appid, endpoint, day))).Single();

    public async Task<long> GetAsync(string appid, string endpoint, DateOnly day, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync(
            "SELECT calls FROM quota_usage WHERE appid = @appid AND endpoint = @endpoint AND day = @day",
            r => r.GetInt64(0), cancellationToken, Key(appid, endpoint, day))).SingleOrDefault();

    public async Task<IReadOnlyDictionary<string, long>> ListDayAsync(string appid, DateOnly day, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync(
            "SELECT endpoint, calls FROM quota_usage WHERE appid = @appid AND day = @day ORDER BY endpoint",
            r => (Endpoint: r.GetString(0), Calls: r.GetInt64(1)), cancellationToken, ("@appid", appid), ("@day", Day(day))))
        .ToDictionary(row => row.Endpoint, row => row.Calls, StringComparer.Ordinal);

    public Task ResetAsync(string appid, string endpoint, DateOnly day, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM quota_usage WHERE appid = @appid AND endpoint = @endpoint AND day = @day", cancellationToken, Key(appid, endpoint, day));

    private static (string, object?)[] Key(string appid, string endpoint, DateOnly day) =>
        [("@appid", appid), ("@endpoint", endpoint), ("@day", Day(day))];

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
