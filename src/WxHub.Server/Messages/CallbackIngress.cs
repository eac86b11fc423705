using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxHub.Core.Messages;
using WxHub.Protocol.Messages;

namespace WxHub.Server.Messages;

/// <summary>
/// Accepts a verified push: recognises WeChat's retries, stores the push with its outbox entries before WeChat is
/// answered, asks the sync subscriber within the budget, and settles the passive reply. A retry gets the first
/// attempt's answer — awaited when that attempt is still running here, read from the store otherwise — and no
/// delivery of its own.
/// </summary>
public sealed partial class CallbackIngress(
    ICallbackStore callbacks,
    ISubscriberStore subscribers,
    OutboxDispatcher dispatcher,
    CallbackMetrics metrics,
    TimeProvider time,
    IOptions<MessageServerOptions> options,
    ILogger<CallbackIngress> logger)
{
    private readonly ConcurrentDictionary<(string Appid, string Key), Task<string?>> _running = new();

    /// <summary>The plaintext passive reply XML to answer WeChat with, or null for "success".</summary>
    public async Task<string?> AcceptAsync(string appid, Push push)
    {
        var key = (appid, push.Message.DeduplicationKey);
        var answer = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _running.GetOrAdd(key, answer.Task);
        if (first != answer.Task) return await AnswerRetryAsync(appid, key.DeduplicationKey, first);

        try
        {
            var reply = await AcceptFirstAsync(appid, push);
            answer.SetResult(reply);
            return reply;
        }
        catch (Exception e)
        {
            answer.SetException(e);
            throw;
        }
        finally
        {
            _running.TryRemove(KeyValuePair.Create(key, answer.Task));
        }
    }

    private async Task<string?> AnswerRetryAsync(string appid, string deduplicationKey, Task<string?> first)
    {
        metrics.Duplicate(appid);
        string? reply;
        try
        {
            reply = await first.WaitAsync(options.Value.SyncBudget, time);
        }
        catch (TimeoutException)
        {
            reply = null;
        }
        await callbacks.RecordDuplicateAsync(appid, deduplicationKey);
        return reply;
    }

    private async Task<string?> AcceptFirstAsync(string appid, Push push)
    {
        var now = time.GetUtcNow();
        var message = push.Message;
        var wanted = (await subscribers.ListAsync(appid)).Where(s => s.Wants(message.MsgType, push.Event)).ToList();
        var sync = wanted.FirstOrDefault(s => s.Mode == SubscriberMode.Sync);
        var callback = new CallbackRecord(
            MessageIds.Callback(), appid, message.DeduplicationKey, now, message.MsgType, push.Event, message.FromUserName,
            push.Encryption, push.Format, DeliveryMessage.Serialize(push, now), CallbackOutcome.Pending, null, 0);
        var entries = await StoreAsync(callback, wanted, sync);
        if (entries is null)
        {
            // Accepted before, by an attempt that has finished (or by a process that has since stopped).
            return (await callbacks.RecordDuplicateAsync(appid, message.DeduplicationKey))?.ReplyXml;
        }

        var (outcome, reply) = sync is null
            ? (CallbackOutcome.Acknowledged, null)
            : await AskAsync(appid, sync, new PendingDelivery(entries.Single(e => e.SubscriberId == sync.Id), callback.Message), push);
        await callbacks.CompleteAsync(callback.Id, outcome, reply);
        return reply;
    }

    /// <summary>
    /// Hands an event WxHub itself learnt of (a platform's authorization change) to the account's subscribers that
    /// want it, through the outbox: durable, de-duplicated by <paramref name="deduplicationKey"/>, no reply asked for.
    /// </summary>
    public async Task PublishAsync(string appid, string deduplicationKey, string msgType, string eventName, string fromUserName, string message)
    {
        var now = time.GetUtcNow();
        var wanted = (await subscribers.ListAsync(appid)).Where(s => s.Wants(msgType, eventName)).ToList();
        var callback = new CallbackRecord(
            MessageIds.Callback(), appid, deduplicationKey, now, msgType, eventName, fromUserName,
            CallbackEncryption.Safe, PushFormat.Xml, message, CallbackOutcome.Acknowledged, null, 0);
        if (await StoreAsync(callback, wanted, sync: null) is null) await callbacks.RecordDuplicateAsync(appid, deduplicationKey);
    }

    /// <summary>Stores the callback with one outbox entry per subscriber; null (nothing written) when it was accepted before.</summary>
    private async Task<List<OutboxEntry>?> StoreAsync(CallbackRecord callback, IReadOnlyList<Subscriber> wanted, Subscriber? sync)
    {
        var now = callback.ReceivedAt;
        // The sync subscriber's entry starts in flight: the request being answered sends it, the dispatcher must not.
        var entries = wanted.Select(s => new OutboxEntry(
            MessageIds.Delivery(), callback.Appid, callback.Id, s.Id, s == sync ? DeliveryState.InFlight : DeliveryState.Pending, 0, now, null, now, null)).ToList();
        if (!await callbacks.AcceptAsync(callback, entries))
        {
            metrics.Duplicate(callback.Appid);
            return null;
        }
        metrics.Accepted(callback.Appid);
        if (entries.Count > (sync is null ? 0 : 1)) dispatcher.Wake();
        return entries;
    }

    private async Task<(CallbackOutcome, string?)> AskAsync(string appid, Subscriber sync, PendingDelivery delivery, Push push)
    {
        // JSON pushes (Mini Program customer-service messages) are acknowledged; their replies go through the send API.
        var replyExpected = push.Format == PushFormat.Xml;
        DeliveryAttempt attempt;
        try
        {
            attempt = await dispatcher.DeliverAsync(sync, delivery, replyExpected).WaitAsync(options.Value.SyncBudget, time);
        }
        catch (TimeoutException)
        {
            LogBudgetExceeded(appid, delivery.Entry.Id, options.Value.SyncBudget);
            return (CallbackOutcome.Deferred, null);
        }
        if (!attempt.Acknowledged) return (CallbackOutcome.Deferred, null);
        if (!replyExpected) return (CallbackOutcome.Acknowledged, null);

        var reply = BusinessReply.ToPassiveReply(attempt.Answer, push.Message, out var problem);
        if (problem is not null) LogUnusableAnswer(appid, sync.Id, problem);
        return reply is null
            ? (CallbackOutcome.Acknowledged, null)
            : (CallbackOutcome.Replied, reply.ToXml(push.Message.FromUserName, push.Message.ToUserName, time.GetUtcNow().ToUnixTimeSeconds()));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sync subscriber of app {Appid} did not answer delivery {DeliveryId} within {Budget}; WeChat was answered \"success\" and the delivery completes in the background.")]
    private partial void LogBudgetExceeded(string appid, string deliveryId, TimeSpan budget);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer of sync subscriber {SubscriberId} of app {Appid} was not used as a reply: {Problem}.")]
    private partial void LogUnusableAnswer(string appid, string subscriberId, string problem);
}
