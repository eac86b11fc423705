namespace WxHub.Core.Credentials;

/// <summary>
/// Calls made to each WeChat endpoint per app and UTC day, so WxHub stops before WeChat's daily quota (45009) and the
/// count survives restarts.
/// </summary>
public interface IQuotaStore
{
    /// <summary>Adds one call and returns the day's count including it.</summary>
    Task<long> IncrementAsync(string appid, string endpoint, DateOnly day, CancellationToken cancellationToken = default);

    Task<long> GetAsync(string appid, string endpoint, DateOnly day, CancellationToken cancellationToken = default);

    /// <summary>The day's count of every endpoint the account called, by endpoint (the operator's view).</summary>
    Task<IReadOnlyDictionary<string, long>> ListDayAsync(string appid, DateOnly day, CancellationToken cancellationToken = default);

    /// <summary>Forgets the day's count, after a successful <c>clear_quota</c>.</summary>
    Task ResetAsync(string appid, string endpoint, DateOnly day, CancellationToken cancellationToken = default);
}
