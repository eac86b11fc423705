using System.Data.Common;
using WxHub.Core.Coordination;
using WxHub.Core.Messages;

namespace WxHub.Core.Storage.Sql;

/// <summary>
/// An entry in flight belongs to the instance in <c>claimed_by</c> until its <c>next_attempt_at</c>: each instance
/// renews only the claims of what it is sending or still recording, so a dead instance's entries become due again while
/// live instances keep theirs. Renewing and taking back are one transaction, so no pass takes back a claim that the
/// same pass renews.
/// </summary>
public sealed class SqlOutboxStore(SqlDatabase database, WxHubInstance instance) : IOutboxStore
{
    internal const string Columns = "id, appid, callback_id, subscriber_id, state, attempts, next_attempt_at, last_error, created_at, delivered_at";
    internal const string Values = "@id, @appid, @callback, @subscriber, @state, @attempts, @next, @error, @created, @delivered";

    private const string Pending = nameof(DeliveryState.Pending);
    private const string InFlight = nameof(DeliveryState.InFlight);
    private const string Delivered = nameof(DeliveryState.Delivered);

    public Task<IReadOnlyList<PendingDelivery>> ClaimDueAsync(DateTimeOffset now, int limit, DateTimeOffset claimedUntil, CancellationToken cancellationToken = default) =>
        database.WriteAsync<IReadOnlyList<PendingDelivery>>(async transaction =>
        {
            List<PendingDelivery> due;
            await using (var select = transaction.Command(
                $"""
                SELECT {Prefixed("o")}, c.message FROM outbox o JOIN callbacks c ON c.id = o.callback_id
                WHERE o.state = '{Pending}' AND o.next_attempt_at <= @now ORDER BY o.next_attempt_at LIMIT @limit
                """,
                ("@now", now.ToUnixMs()), ("@limit", limit)))
            {
                due = await select.ReadAllAsync(r => new PendingDelivery(Read(r) with { State = DeliveryState.InFlight, NextAttemptAt = claimedUntil }, r.GetString(10)), CancellationToken.None);
            }
            // Claimed only if still pending: an instance that selected the same rows at the same time waits for this
            // transaction and then finds them in flight, so each delivery is claimed once cluster-wide.
            var claimed = new List<PendingDelivery>(due.Count);
            foreach (var delivery in due)
            {
                await using var claim = transaction.Command(
                    $"UPDATE outbox SET state = '{InFlight}', claimed_by = @instance, next_attempt_at = @until WHERE id = @id AND state = '{Pending}'",
                    ("@id", delivery.Entry.Id), ("@instance", instance.Id), ("@until", claimedUntil.ToUnixMs()));
                if (await claim.ExecuteNonQueryAsync() == 1) claimed.Add(delivery);
            }
            return claimed;
        }, cancellationToken);

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default) =>
        (await database.QueryAsync(
            $"SELECT MIN(next_attempt_at) FROM outbox WHERE state = '{Pending}'",
            r => r.IsDBNull(0) ? (DateTimeOffset?)null : r.FromUnixMs(0), cancellationToken)).Single();

    public Task MarkDeliveredAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            $"UPDATE outbox SET state = '{Delivered}', attempts = attempts + 1, delivered_at = @at, last_error = NULL WHERE id = @id",
            cancellationToken, ("@id", id), ("@at", at.ToUnixMs()));

    public Task MarkFailedAsync(string id, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            $"UPDATE outbox SET state = '{Pending}', attempts = attempts + 1, next_attempt_at = @next, last_error = @error, claimed_by = NULL WHERE id = @id AND state = '{InFlight}' AND claimed_by = @instance",
            cancellationToken, ("@id", id), ("@next", nextAttemptAt.ToUnixMs()), ("@error", error), ("@instance", instance.Id));

    public Task<int> KeepClaimsAsync(IReadOnlyCollection<string> held, DateTimeOffset now, DateTimeOffset claimedUntil, DateTimeOffset? unreachableSince, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async transaction =>
        {
            (string, object?)[] claim = [("@now", now.ToUnixMs()), ("@until", claimedUntil.ToUnixMs()), ("@instance", instance.Id)];
            if (held.Count > 0)
            {
                var names = held.Select((_, i) => $"@id{i}").ToList();
                await transaction.ExecuteAsync(
                    $"UPDATE outbox SET next_attempt_at = @until WHERE state = '{InFlight}' AND claimed_by = @instance AND id IN ({string.Join(", ", names)})",
                    [.. claim, .. held.Select((id, i) => (names[i], (object?)id))]);
            }
            if (unreachableSince is { } since)
            {
                await transaction.ExecuteAsync(
                    $"UPDATE outbox SET next_attempt_at = @until WHERE state = '{InFlight}' AND claimed_by <> @instance AND next_attempt_at > @since AND next_attempt_at < @until",
                    [.. claim, ("@since", since.ToUnixMs())]);
            }
            return await transaction.ExecuteAsync(
                $"""
                UPDATE outbox SET state = '{Pending}', next_attempt_at = @now, claimed_by = NULL
                WHERE state = '{InFlight}' AND (next_attempt_at <= @now OR claimed_by IS NULL{(instance.Clustered ? "" : " OR claimed_by <> @instance")})
                """,
                claim);
        }, cancellationToken);

    public async Task<OutboxEntry?> GetAsync(string appid, string id, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {Columns} FROM outbox WHERE appid = @appid AND id = @id", Read, cancellationToken, ("@appid", appid), ("@id", id))).SingleOrDefault();

    public async Task<long> CountUndeliveredAsync(CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT COUNT(*) FROM outbox WHERE state IN ('{Pending}', '{InFlight}')", r => r.GetInt64(0), cancellationToken)).Single();

    public async Task<IReadOnlyDictionary<string, long>> CountUndeliveredByAppAsync(CancellationToken cancellationToken = default) =>
        (await database.QueryAsync(
            $"SELECT appid, COUNT(*) FROM outbox WHERE state IN ('{Pending}', '{InFlight}') GROUP BY appid",
            r => (Appid: r.GetString(0), Count: r.GetInt64(1)), cancellationToken))
        .ToDictionary(row => row.Appid, row => row.Count, StringComparer.Ordinal);

    public async Task<IReadOnlyList<OutboxEntry>> ListAsync(string appid, DeliveryState? state, int limit, CancellationToken cancellationToken = default) =>
        await database.QueryAsync(
            $"SELECT {Columns} FROM outbox WHERE appid = @appid AND (CAST(@state AS TEXT) IS NULL OR state = @state) ORDER BY created_at DESC, rowid DESC LIMIT @limit",
            Read, cancellationToken, ("@appid", appid), ("@state", state?.ToString()), ("@limit", limit));

    public async Task<OutboxEntry?> ReplayAsync(string appid, string id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        (await database.WriteReturningAsync(
            $"UPDATE outbox SET state = '{Pending}', next_attempt_at = @now WHERE appid = @appid AND id = @id AND state <> '{InFlight}' RETURNING {Columns}",
            Read, cancellationToken, ("@appid", appid), ("@id", id), ("@now", now.ToUnixMs()))).SingleOrDefault();

    internal static (string, object?)[] Parameters(OutboxEntry entry) =>
    [
        ("@id", entry.Id), ("@appid", entry.Appid), ("@callback", entry.CallbackId), ("@subscriber", entry.SubscriberId),
        ("@state", entry.State.ToString()), ("@attempts", entry.Attempts), ("@next", entry.NextAttemptAt.ToUnixMs()),
        ("@error", entry.LastError), ("@created", entry.CreatedAt.ToUnixMs()), ("@delivered", entry.DeliveredAt?.ToUnixMs()),
    ];

    private static string Prefixed(string alias) => string.Join(", ", Columns.Split(", ").Select(c => $"{alias}.{c}"));

    private static OutboxEntry Read(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3),
        Enum.Parse<DeliveryState>(r.GetString(4)),
        r.GetInt32(5),
        r.FromUnixMs(6),
        r.GetStringOrNull(7),
        r.FromUnixMs(8),
        r.IsDBNull(9) ? null : r.FromUnixMs(9));
}
