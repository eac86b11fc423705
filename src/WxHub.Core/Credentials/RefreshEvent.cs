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

public interface IRefreshEventStore
{
    Task AddAsync(RefreshEvent refreshEvent, CancellationToken cancellationToken = default);

    /// <summary>The app's most recent events, newest first.</summary>
    Task<IReadOnlyList<RefreshEvent>> ListAsync(string appid, int limit, CancellationToken cancellationToken = default);
}
