using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using WxHub.Core.Identity;
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
    OutboxDispatcher dispatcher,
    CallbackMetrics metrics,
    UserDirectory directory,
    TimeProvider time,
    IOptions<MessageServerOptions> options,
    ILogger<CallbackIngress> logger)
{
    private readonly ConcurrentDictionary<(string Appid, string Key), Task<string?>> _running = new();

    /// <summary>The plaintext passive reply XML to answer WeChat with, or null to acknowledge without one.</summary>
    public async Task<string?> AcceptAsync(CallbackTarget target, Push push)
    {
        var key = (target.Appid, push.Message.DeduplicationKey);
        var answer = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _running.GetOrAdd(key, answer.Task);
        if (first != answer.Task) return await AnswerRetryAsync(target.Appid, key.DeduplicationKey, first);

        try
        {
            var (reply, stored) = await AcceptFirstAsync(target, push);
            answer.SetResult(reply);
            // WeChat is answered without waiting for the outcome to be written; until it is, retries find this attempt here.
            _ = ForgetWhenStoredAsync(key, answer.Task, stored);
            return reply;
        }
        catch (Exception e)
        {
            answer.SetException(e);
            _running.TryRemove(KeyValuePair.Create(key, answer.Task));
            throw;
        }
    }

    private async Task ForgetWhenStoredAsync((string Appid, string Key) key, Task<string?> answer, Task stored)
    {
        try
        {
            await stored;
        }
        catch (Exception e)
        {
            LogOutcomeNotStored(e, key.Appid);
        }
        finally
        {
            _running.TryRemove(KeyValuePair.Create(key, answer));
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

    /// <returns>The reply, and the write of the outcome (started, perhaps not finished).</returns>
    private async Task<(string? Reply, Task Stored)> AcceptFirstAsync(CallbackTarget target, Push push)
    {
        var now = time.GetUtcNow();
        var message = push.Message;
        var appid = target.Appid;
        var wanted = target.Subscribers.Where(s => s.Wants(message.MsgType, push.Event)).ToList();
        var sync = wanted.FirstOrDefault(s => s.Mode == SubscriberMode.Sync);
        var callback = new CallbackRecord(
            MessageIds.Callback(), appid, message.DeduplicationKey, now, message.MsgType, push.Event, message.FromUserName,
            push.Encryption, push.Format, DeliveryMessage.Serialize(push, now), sync is null ? CallbackOutcome.Acknowledged : CallbackOutcome.Pending, null, 0);
        var entries = Entries(callback, wanted, sync);

        // Every sender is a user of the app: the UnionID directory learns the pair (the unionid comes with a lookup). Both
        // writes are queued together so that they usually share one group commit (recording a sender twice is harmless).
        var accepting = callbacks.AcceptAsync(callback, entries);
        var seen = string.IsNullOrEmpty(message.FromUserName)
            ? Task.CompletedTask
            : directory.RecordAsync([new IdentitySighting(appid, message.FromUserName)]);
        var accepted = await accepting;
        await seen;
        if (!accepted)
        {
            // Accepted before, by an attempt that has finished (or by a process that has since stopped).
            metrics.Duplicate(appid);
            return ((await callbacks.RecordDuplicateAsync(appid, message.DeduplicationKey))?.ReplyXml, Task.CompletedTask);
        }
        metrics.Accepted(appid);
        if (entries.Count > (sync is null ? 0 : 1)) dispatcher.Wake();
        if (sync is null) return (null, Task.CompletedTask);

        var (outcome, reply) = await AskAsync(appid, sync, new PendingDelivery(entries.Single(e => e.SubscriberId == sync.Id), callback.Message), push);
        return (reply, callbacks.CompleteAsync(callback.Id, outcome, reply));
    }

    /// <summary>
    /// Hands an event WxHub itself learnt of (a platform's authorization change) to the account's subscribers that want
    /// it, through the outbox: durable, de-duplicated by <paramref name="deduplicationKey"/>, no reply asked for.
    /// </summary>
    public async Task PublishAsync(string appid, IReadOnlyList<Subscriber> subscribers, string deduplicationKey, string msgType, string eventName, string fromUserName, string message)
    {
        var now = time.GetUtcNow();
        var callback = new CallbackRecord(
            MessageIds.Callback(), appid, deduplicationKey, now, msgType, eventName, fromUserName,
            CallbackEncryption.Safe, PushFormat.Xml, message, CallbackOutcome.Acknowledged, null, 0);
        var entries = Entries(callback, subscribers.Where(s => s.Wants(msgType, eventName)).ToList(), sync: null);
        if (!await callbacks.AcceptAsync(callback, entries))
        {
            metrics.Duplicate(appid);
            return;
        }
        metrics.Accepted(appid);
        if (entries.Count > 0) dispatcher.Wake();
    }

    /// <summary>
    /// One outbox entry per subscriber. The sync subscriber's starts in flight, claimed by this instance: the request
    /// being answered sends it, no dispatcher may.
    /// </summary>
    private List<OutboxEntry> Entries(CallbackRecord callback, IReadOnlyList<Subscriber> wanted, Subscriber? sync) =>
        wanted.Select(s => new OutboxEntry(
            MessageIds.Delivery(), callback.Appid, callback.Id, s.Id, s == sync ? DeliveryState.InFlight : DeliveryState.Pending, 0,
            s == sync ? callback.ReceivedAt + options.Value.DeliveryClaim : callback.ReceivedAt, null, callback.ReceivedAt, null)).ToList();

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

    [LoggerMessage(Level = LogLevel.Error, Message = "How a push of app {Appid} was answered could not be stored; a retry of it will be acknowledged without the reply.")]
    private partial void LogOutcomeNotStored(Exception exception, string appid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sync subscriber of app {Appid} did not answer delivery {DeliveryId} within {Budget}; WeChat was answered \"success\" and the delivery completes in the background.")]
    private partial void LogBudgetExceeded(string appid, string deliveryId, TimeSpan budget);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer of sync subscriber {SubscriberId} of app {Appid} was not used as a reply: {Problem}.")]
    private partial void LogUnusableAnswer(string appid, string subscriberId, string problem);
}
