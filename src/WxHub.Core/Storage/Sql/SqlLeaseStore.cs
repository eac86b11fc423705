using WxHub.Core.Coordination;

namespace WxHub.Core.Storage.Sql;

/// <summary>
/// Leases as rows of <c>leases</c>. Taking one is a single upsert that changes the row only when it is free, lapsed
/// or the caller's, so two instances racing for it cannot both win: the database serialises the two writes.
/// </summary>
public sealed class SqlLeaseStore(SqlDatabase database, TimeProvider time) : ILeaseStore
{
    public async Task<Lease?> TryAcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var now = time.GetUtcNow();
        return (await database.QueryAsync(
            """
            INSERT INTO leases (name, holder, generation, expires_at) VALUES (@name, @holder, 1, @expires)
            ON CONFLICT (name) DO UPDATE SET
                holder = excluded.holder,
                expires_at = excluded.expires_at,
                generation = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > @now THEN leases.generation ELSE leases.generation + 1 END
            WHERE leases.holder = excluded.holder OR leases.expires_at <= @now
            RETURNING generation, expires_at
            """,
            r => new Lease(name, holder, r.GetInt64(0), r.FromUnixMs(1)),
            cancellationToken, ("@name", name), ("@holder", holder), ("@now", now.ToUnixMs()), ("@expires", (now + ttl).ToUnixMs()))).SingleOrDefault();
    }

    public async Task<Lease?> RenewAsync(Lease lease, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var now = time.GetUtcNow();
        var expires = (now + ttl).ToUnixMs();
        var renewed = await database.ExecuteAsync(
            "UPDATE leases SET expires_at = @expires WHERE name = @name AND holder = @holder AND generation = @generation AND expires_at > @now",
            cancellationToken, [.. Held(lease, now), ("@expires", expires)]);
        return renewed == 1 ? lease with { ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(expires) } : null;
    }

    public async Task<bool> ReleaseAsync(Lease lease, CancellationToken cancellationToken = default) =>
        // The row stays (lapsed) so the next holder's generation keeps growing.
        await database.ExecuteAsync(
            "UPDATE leases SET expires_at = @now WHERE name = @name AND holder = @holder AND generation = @generation AND expires_at > @now",
            cancellationToken, Held(lease, time.GetUtcNow())) == 1;

    private static (string, object?)[] Held(Lease lease, DateTimeOffset now) =>
        [("@name", lease.Name), ("@holder", lease.Holder), ("@generation", lease.Generation), ("@now", now.ToUnixMs())];
}
