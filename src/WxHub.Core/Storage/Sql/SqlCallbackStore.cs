using System.Data.Common;
using WxHub.Core.Coordination;
using WxHub.Core.Messages;

namespace WxHub.Core.Storage.Sql;

public sealed class SqlCallbackStore(SqlDatabase database, WxHubInstance instance) : ICallbackStore
{
    private const string Columns = "id, appid, dedup_key, received_at, msg_type, event, from_user, encryption, format, message, outcome, reply_xml, duplicates";

    public Task<bool> AcceptAsync(CallbackRecord callback, IReadOnlyList<OutboxEntry> deliveries, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async transaction =>
        {
            await using (var insert = transaction.Command(
                $"""
                INSERT INTO callbacks ({Columns}) VALUES (@id, @appid, @key, @received, @type, @event, @from, @encryption, @format, @message, @outcome, @reply, @duplicates)
                ON CONFLICT (appid, dedup_key) DO NOTHING
                """,
                ("@id", callback.Id), ("@appid", callback.Appid), ("@key", callback.DeduplicationKey), ("@received", callback.ReceivedAt.ToUnixMs()),
                ("@type", callback.MsgType), ("@event", callback.Event), ("@from", callback.FromUserName), ("@encryption", callback.Encryption.ToString()),
                ("@format", callback.Format.ToString()), ("@message", callback.Message), ("@outcome", callback.Outcome.ToString()),
                ("@reply", callback.ReplyXml), ("@duplicates", callback.Duplicates)))
            {
                if (await insert.ExecuteNonQueryAsync() == 0) return false;
            }
            foreach (var entry in deliveries)
            {
                await using var command = transaction.Command(
                    $"INSERT INTO outbox ({SqlOutboxStore.Columns}, claimed_by) VALUES ({SqlOutboxStore.Values}, @claimed_by)",
                    [.. SqlOutboxStore.Parameters(entry), ("@claimed_by", entry.State == DeliveryState.InFlight ? instance.Id : null)]);
                await command.ExecuteNonQueryAsync();
            }
            return true;
        }, cancellationToken);

    public async Task<CallbackRecord?> RecordDuplicateAsync(string appid, string deduplicationKey, CancellationToken cancellationToken = default) =>
        (await database.WriteReturningAsync(
            $"UPDATE callbacks SET duplicates = duplicates + 1 WHERE appid = @appid AND dedup_key = @key RETURNING {Columns}",
            Read, cancellationToken, ("@appid", appid), ("@key", deduplicationKey))).SingleOrDefault();

    public Task CompleteAsync(string id, CallbackOutcome outcome, string? replyXml, CancellationToken cancellationToken = default) =>
        database.WriteAsync("UPDATE callbacks SET outcome = @outcome, reply_xml = @reply WHERE id = @id", cancellationToken,
            ("@id", id), ("@outcome", outcome.ToString()), ("@reply", replyXml));

    public async Task<IReadOnlyList<CallbackRecord>> ListAsync(string appid, int limit, CancellationToken cancellationToken = default) =>
        await database.QueryAsync(
            $"SELECT {Columns} FROM callbacks WHERE appid = @appid ORDER BY received_at DESC, rowid DESC LIMIT @limit",
            Read, cancellationToken, ("@appid", appid), ("@limit", limit));

    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            """
            DELETE FROM callbacks WHERE received_at < @before
              AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.callback_id = callbacks.id AND outbox.state <> 'Delivered')
            """,
            cancellationToken, ("@before", before.ToUnixMs()));

    private static CallbackRecord Read(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.FromUnixMs(3),
        r.GetString(4),
        r.GetStringOrNull(5),
        r.GetString(6),
        Enum.Parse<CallbackEncryption>(r.GetString(7)),
        Enum.Parse<PushFormat>(r.GetString(8)),
        r.GetString(9),
        Enum.Parse<CallbackOutcome>(r.GetString(10)),
        r.GetStringOrNull(11),
        r.GetInt32(12));
}
