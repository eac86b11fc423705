using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxHub.Core.Messages;

namespace WxHub.Server.Messages;

/// <summary>
/// Delivers the outbox: claims due entries, sends them (a few at a time), and records each attempt; failures come back
/// after an exponential, capped wait on the injected clock, until a subscriber acknowledges with 2xx. Entries in flight
/// are claimed in this instance's name, and the claims of those it is sending or still recording are renewed until the
/// outcome is written; it takes back entries whose claim lapsed (another instance died) and, on a store of its own,
/// whatever a previous process left in flight, so an accepted message is delivered even across a crash, and exactly
/// once while no process dies.
/// </summary>
public sealed partial class OutboxDispatcher(
    IOutboxStore outbox,
    ISubscriberStore subscribers,
    ICallbackStore callbacks,
    SubscriberClient client,
    CallbackMetrics metrics,
    TimeProvider time,
    IOptions<MessageServerOptions> options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan PauseAfterStoreFailure = TimeSpan.FromSeconds(5);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    // The entries this instance is sending, whose claims it renews until their outcome is recorded.
    private readonly ConcurrentDictionary<string, byte> _sending = new(StringComparer.Ordinal);
    private int _running;
    // When the claims were last kept, and whether a store call failed since: then the next upkeep extends others' claims.
    private DateTimeOffset _claimsKeptAt;
    private int _storeFailed;

    /// <summary>Asks the dispatcher to look at the outbox now (an entry was added, replayed or came due).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>
    /// Sends one claimed entry and has its outcome recorded. The sync path awaits this within its budget; the send goes
    /// on past the budget and still records its outcome, so a slow subscriber is not sent the message twice. The result
    /// comes as soon as the subscriber answered: the entry stays in flight (never claimed again) until the record is
    /// written, which need not hold up WeChat's answer.
    /// </summary>
    public async Task<DeliveryAttempt> DeliverAsync(Subscriber subscriber, PendingDelivery delivery, bool replyExpected)
    {
        _sending[delivery.Entry.Id] = 0;
        var attempt = await client.SendAsync(subscriber, delivery, replyExpected, _stopping.Token);
        metrics.Delivery(delivery.Entry.Appid, attempt.Acknowledged);
        _ = RecordAsync(subscriber, delivery.Entry, attempt);
        return attempt;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPrune = time.GetUtcNow();
        var nextUpkeep = time.GetUtcNow();
        _claimsKeptAt = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (time.GetUtcNow() >= nextUpkeep)
                {
                    await KeepClaimsAsync(stoppingToken);
                    nextUpkeep = time.GetUtcNow() + options.Value.DeliveryClaim / 3;
                }
                if (time.GetUtcNow() >= nextPrune)
                {
                    await callbacks.PruneAsync(time.GetUtcNow() - options.Value.CallbackRetention, stoppingToken);
                    nextPrune = time.GetUtcNow() + PruneInterval;
                }

                var free = options.Value.MaxConcurrentDeliveries - Volatile.Read(ref _running);
                DateTimeOffset? nextDue = null;
                if (free > 0)
                {
                    var due = await outbox.ClaimDueAsync(time.GetUtcNow(), free, time.GetUtcNow() + options.Value.DeliveryClaim, stoppingToken);
                    foreach (var delivery in due)
                    {
                        _sending[delivery.Entry.Id] = 0;
                        _ = RunAsync(delivery);
                    }
                    if (due.Count == free) continue;
                    nextDue = await outbox.NextDueAsync(stoppingToken);
                }
                // With every slot busy, a finishing delivery wakes the loop.
                var wake = nextPrune < nextUpkeep ? nextPrune : nextUpkeep;
                await WaitAsync(nextDue is { } d && d < wake ? d : wake, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogStoreFailed(e);
                Volatile.Write(ref _storeFailed, 1);
                try
                {
                    // Woken sooner by a new entry: the store took that write, so it is likely back.
                    await WaitAsync(time.GetUtcNow() + PauseAfterStoreFailure, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Renews the claims of what this instance sends or records and takes back entries whose claim lapsed. A delivery
    /// whose outcome the store refused keeps its claim this way until <see cref="SettleAsync"/> writes it, and renewing
    /// and taking back are one write, so this instance never takes back its own claim. Another instance's claim may
    /// lapse while the store is away, though its holder is alive and settling: after an outage the other instances'
    /// claims live when the store was last reached get a fresh term before anything is taken back, and their holders
    /// record their outcomes meanwhile. (Renewing in the outcome's own write would not help: that is the write the store refused.)
    /// </summary>
    private async Task KeepClaimsAsync(CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        // Cleared before the write: a failure meanwhile (of this write too) sets it again for the next upkeep.
        DateTimeOffset? unreachableSince = Interlocked.Exchange(ref _storeFailed, 0) == 1 ? _claimsKeptAt : null;
        var count = await outbox.KeepClaimsAsync([.. _sending.Keys], now, now + options.Value.DeliveryClaim, unreachableSince, stoppingToken);
        _claimsKeptAt = now;
        if (count > 0) LogReleased(count);
    }

    private async Task RecordAsync(Subscriber subscriber, OutboxEntry entry, DeliveryAttempt attempt)
    {
        try
        {
            var now = time.GetUtcNow();
            if (attempt.Acknowledged)
            {
                await SettleAsync(entry.Id, () => outbox.MarkDeliveredAsync(entry.Id, now, _stopping.Token));
                return;
            }
            var wait = options.Value.RetryDelay(entry.Attempts + 1);
            LogDeliveryFailed(entry.Appid, entry.Id, subscriber.Id, entry.Attempts + 1, attempt.Error, wait);
            await SettleAsync(entry.Id, () => outbox.MarkFailedAsync(entry.Id, now + wait, attempt.Error ?? "failed", _stopping.Token));
            Wake();
        }
        finally
        {
            // Recorded, or shutting down: no longer renewed, so an unrecorded entry is sent again once its claim lapses.
            _sending.TryRemove(entry.Id, out _);
        }
    }

    /// <summary>
    /// Writes a claimed entry's outcome, again and again while the store fails (the claim is kept meanwhile, see
    /// <see cref="KeepClaimsAsync"/>): giving up would let the claim lapse and send a delivered message a second time.
    /// </summary>
    private async Task SettleAsync(string deliveryId, Func<Task> record)
    {
        while (true)
        {
            try
            {
                await record();
                return;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return; // shutting down: the next start sends it again
            }
            catch (Exception e)
            {
                LogRecordFailed(e, deliveryId);
                Volatile.Write(ref _storeFailed, 1);
            }
            try
            {
                await Task.Delay(PauseAfterStoreFailure, time, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WaitAsync(DateTimeOffset? until, CancellationToken stoppingToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var woken = _wake.Reader.WaitToReadAsync(done.Token).AsTask();
        Task[] waits = until is { } at
            ? [woken, Task.Delay(Max(at - time.GetUtcNow(), TimeSpan.Zero), time, done.Token)]
            : [woken];
        await Task.WhenAny(waits);
        await done.CancelAsync();
        _wake.Reader.TryRead(out _);
        stoppingToken.ThrowIfCancellationRequested();
    }

    private async Task RunAsync(PendingDelivery delivery)
    {
        Interlocked.Increment(ref _running);
        try
        {
            // A removed subscriber takes its entries with it; there is nothing left to send.
            if (await subscribers.GetAsync(delivery.Entry.SubscriberId, _stopping.Token) is { } subscriber)
                await DeliverAsync(subscriber, delivery, replyExpected: false);
            else
                _sending.TryRemove(delivery.Entry.Id, out _);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down: the entry stays in flight and is sent again once its claim lapses.
            _sending.TryRemove(delivery.Entry.Id, out _);
        }
        catch (Exception e)
        {
            LogSendFailed(e, delivery.Entry.Id);
            _sending.TryRemove(delivery.Entry.Id, out _);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            Wake();
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} of app {Appid} to subscriber {SubscriberId} failed (attempt {Attempt}): {Error}; retrying in {Wait}.")]
    private partial void LogDeliveryFailed(string appid, string deliveryId, string subscriberId, int attempt, string? error, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took back {Count} outbox entries left in flight by a process that stopped; they are sent again.")]
    private partial void LogReleased(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox could not be read or updated; trying again shortly.")]
    private partial void LogStoreFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} could not be sent; it is sent again once its claim lapses.")]
    private partial void LogSendFailed(Exception exception, string deliveryId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The store did not take the outcome of delivery {DeliveryId}; trying again shortly.")]
    private partial void LogRecordFailed(Exception exception, string deliveryId);
}
