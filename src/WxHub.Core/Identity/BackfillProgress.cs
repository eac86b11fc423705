namespace WxHub.Core.Identity;

public enum BackfillState { Running, Completed, Failed }

/// <summary>
/// Where a follower backfill of one app stands. The cursor is the <c>next_openid</c> that fetched the page being worked
/// on (null for the first page) and <see cref="PageOffset"/> how many of that page's openids are recorded, so a
/// resumed run fetches the same page again and skips what is done.
/// </summary>
public sealed record BackfillProgress(
    string Appid,
    BackfillState State,
    string? PageCursor,
    int PageOffset,
    long? Total,
    long Recorded,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    string? Error);

public interface IBackfillStore
{
    Task<BackfillProgress?> GetAsync(string appid, CancellationToken cancellationToken = default);

    Task SaveAsync(BackfillProgress progress, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a batch of followers in the directory together with the progress that counts them, in one transaction:
    /// a resumed run never records a batch twice nor skips one, and each batch costs one commit.
    /// </summary>
    Task SaveAsync(BackfillProgress progress, IReadOnlyCollection<IdentitySighting> batch, CancellationToken cancellationToken = default);
}
