namespace WxHub.Core.Messages;

/// <summary>How WeChat protected a push: plaintext, compatible (plaintext beside <c>Encrypt</c>) or safe (only <c>Encrypt</c>).</summary>
public enum CallbackEncryption { Plaintext, Compatible, Safe }

/// <summary>The body format of a push: XML, or JSON for Mini Programs that chose it.</summary>
public enum PushFormat { Xml, Json }

/// <summary>How WeChat was answered.</summary>
public enum CallbackOutcome
{
    /// <summary>Accepted and stored; the answer is being worked out.</summary>
    Pending,

    /// <summary>Answered with a passive reply from the sync subscriber.</summary>
    Replied,

    /// <summary>Answered "success": no sync subscriber, or it had nothing to say.</summary>
    Acknowledged,

    /// <summary>Answered "success" because the sync subscriber did not answer within the budget; delivered later.</summary>
    Deferred,
}

/// <summary>
/// One push accepted from WeChat, unique per app and <see cref="DeduplicationKey"/> so WeChat's retries find it.
/// <see cref="Message"/> is the JSON that deliveries carry; <see cref="ReplyXml"/> is the plaintext passive reply that
/// answered WeChat, kept so retries get the same one.
/// </summary>
public sealed record CallbackRecord(
    string Id,
    string Appid,
    string DeduplicationKey,
    DateTimeOffset ReceivedAt,
    string MsgType,
    string? Event,
    string FromUserName,
    CallbackEncryption Encryption,
    PushFormat Format,
    string Message,
    CallbackOutcome Outcome,
    string? ReplyXml,
    int Duplicates);

public interface ICallbackStore
{
    /// <summary>
    /// Stores the push and its outbox entries in one durable transaction; false (and nothing written) when the app
    /// already has a push with the same de-duplication key.
    /// </summary>
    Task<bool> AcceptAsync(CallbackRecord callback, IReadOnlyList<OutboxEntry> deliveries, CancellationToken cancellationToken = default);

    /// <summary>Counts a retry of an accepted push and returns the push as stored, or null when there is none.</summary>
    Task<CallbackRecord?> RecordDuplicateAsync(string appid, string deduplicationKey, CancellationToken cancellationToken = default);

    /// <summary>Records how WeChat was answered.</summary>
    Task CompleteAsync(string id, CallbackOutcome outcome, string? replyXml, CancellationToken cancellationToken = default);

    /// <summary>The app's most recent pushes, newest first.</summary>
    Task<IReadOnlyList<CallbackRecord>> ListAsync(string appid, int limit, CancellationToken cancellationToken = default);

    /// <summary>Forgets pushes received before <paramref name="before"/> whose deliveries are all done; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}
