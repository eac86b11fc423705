namespace WxHub.Core.Coordination;

/// <summary>
/// A named lease held by one holder (an instance) at a time, for example "refresh wx123/AccessToken". It lapses at
/// <see cref="ExpiresAt"/> unless renewed, so a crashed holder blocks others for at most one time-to-live.
/// </summary>
/// <param name="Generation">Grows each time the lease passes to a new holding (a fencing token): a holder can tell
/// that it lost the lease in between even if it got it back.</param>
public sealed record Lease(string Name, string Holder, long Generation, DateTimeOffset ExpiresAt);

/// <summary>
/// Leases kept in the store, so every instance on the same database sees the same holder. Times come from the
/// instances' clocks (<see cref="TimeProvider"/>): choose time-to-lives far above their skew (seconds, not
/// milliseconds).
/// </summary>
public interface ILeaseStore
{
    /// <summary>
    /// Takes the lease for <paramref name="holder"/> until now + <paramref name="ttl"/> when it is free, has lapsed or
    /// is already this holder's (then it is extended, same generation); null while another holder's lease is live.
    /// </summary>
    Task<Lease?> TryAcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Extends a lease still held (same holder and generation, not lapsed); null when it was lost.</summary>
    Task<Lease?> RenewAsync(Lease lease, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Gives the lease up so another can take it at once; false when it was no longer held.</summary>
    Task<bool> ReleaseAsync(Lease lease, CancellationToken cancellationToken = default);
}
