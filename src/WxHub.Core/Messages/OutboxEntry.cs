namespace WxHub.Core.Messages;

public enum DeliveryState
{
    /// <summary>Waiting for <see cref="OutboxEntry.NextAttemptAt"/>.</summary>
    Pending,

    /// <summary>
    /// Being sent by the instance that claimed it, until its claim lapses at <see cref="OutboxEntry.NextAttemptAt"/>
    /// (the instance renews it while sending and until the outcome is recorded): then it is pending again, so an
    /// instance that died loses nothing.
    /// </summary>
    InFlight,

    /// <summary>The subscriber answered 2xx.</summary>
    Delivered,
}

/// <summary>
/// One delivery of an accepted push to one subscriber. <see cref="Id"/> is the delivery id the subscriber sees; it
/// stays the same across retries so the subscriber can recognise them.
/// </summary>
public sealed record OutboxEntry(
    string Id,
    string Appid,
    string CallbackId,
    string SubscriberId,
    DeliveryState State,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt);

/// <summary>An entry taken for sending, with the message it carries.</summary>
public sealed record PendingDelivery(OutboxEntry Entry, string Message);

public interface IOutboxStore
{
    /// <summary>
    /// Moves up to <paramref name="limit"/> due pending entries to in-flight, claimed by this instance until
    /// <paramref name="claimedUntil"/>, and returns them, oldest due first.
    /// </summary>
    Task<IReadOnlyList<PendingDelivery>> ClaimDueAsync(DateTimeOffset now, int limit, DateTimeOffset claimedUntil, CancellationToken cancellationToken = default);

    /// <summary>When the earliest pending entry is due, or null when none is pending.</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default);

    /// <summary>Counts an attempt that the subscriber acknowledged.</summary>
    Task MarkDeliveredAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts a failed attempt and puts the entry back to pending until <paramref name="nextAttemptAt"/>, unless this
    /// instance's claim lapsed meanwhile (another instance may be sending it).
    /// </summary>
    Task MarkFailedAsync(string id, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps the claims, in one write. First this instance's claims on <paramref name="held"/> (entries it is sending, or
    /// whose outcome it is still recording) are renewed until <paramref name="claimedUntil"/>. When this instance could
    /// not reach the store after <paramref name="unreachableSince"/>, every other instance's claim still live then gets
    /// that term too: no instance could renew meanwhile, so a claim that lapsed during the outage says nothing about its
    /// holder (this instance knows which of its own it holds; the rest it takes back at once). Then
    /// entries left in flight become pending and due at <paramref name="now"/>: those whose claim lapsed (the instance
    /// that claimed them died, or was cut off from the store alone), and on a store that no other instance shares every
    /// one an earlier process claimed. Returns how many were taken back.
    /// </summary>
    Task<int> KeepClaimsAsync(IReadOnlyCollection<string> held, DateTimeOffset now, DateTimeOffset claimedUntil, DateTimeOffset? unreachableSince, CancellationToken cancellationToken = default);

    Task<OutboxEntry?> GetAsync(string appid, string id, CancellationToken cancellationToken = default);

    /// <summary>Entries not yet delivered (pending or in flight), across apps: the backlog.</summary>
    Task<long> CountUndeliveredAsync(CancellationToken cancellationToken = default);

    /// <summary>The backlog per account (app, platform or authorizer); accounts without one are absent.</summary>
    Task<IReadOnlyDictionary<string, long>> CountUndeliveredByAppAsync(CancellationToken cancellationToken = default);

    /// <summary>The app's entries, newest first, optionally only those in <paramref name="state"/>.</summary>
    Task<IReadOnlyList<OutboxEntry>> ListAsync(string appid, DeliveryState? state, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a pending or delivered entry pending and due at <paramref name="now"/> (an operator's replay); returns it,
    /// or null when the app has no such entry or it is in flight.
    /// </summary>
    Task<OutboxEntry?> ReplayAsync(string appid, string id, DateTimeOffset now, CancellationToken cancellationToken = default);
}
