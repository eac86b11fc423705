namespace WxHub.Core.Credentials;

public enum RefreshReason { Startup, Schedule, Invalidation, Demand }

public enum RefreshOutcome { Succeeded, Failed, Skipped }

/// <summary>One attempt to obtain a credential from WeChat, kept for operators (<c>GET /v1/admin/apps/{appid}/events</c>).</summary>
public sealed record RefreshEvent(
    CredentialKey Key,
    DateTimeOffset At,
    RefreshReason Reason,
    RefreshOutcome Outcome,
    int? ErrCode,
    string? Detail);

/// <summary>
/// Refresh attempts that began in one UTC hour, across every account. <see cref="UpstreamErrors"/> counts the failures
/// WeChat answered with an errcode (the others found WeChat unreachable or were skipped).
/// </summary>
public sealed record RefreshHour(DateTimeOffset Hour, long Succeeded, long Failed, long UpstreamErrors);

public interface IRefreshEventStore
{
    Task AddAsync(RefreshEvent refreshEvent, CancellationToken cancellationToken = default);

    /// <summary>The app's most recent events, newest first.</summary>
    Task<IReadOnlyList<RefreshEvent>> ListAsync(string appid, int limit, CancellationToken cancellationToken = default);

    /// <summary>The hours since <paramref name="since"/> that had attempts, oldest first, counted by the store.</summary>
    Task<IReadOnlyList<RefreshHour>> CountByHourAsync(DateTimeOffset since, CancellationToken cancellationToken = default);
}
