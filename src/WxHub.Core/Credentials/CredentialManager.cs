using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxHub.Core.Apps;
using WxHub.Core.Coordination;
using WxHub.Core.Diagnostics;
using WxHub.Core.WeChat;

namespace WxHub.Core.Credentials;

/// <summary>
/// Keeps every credential valid — of registered apps, third-party platforms and their authorizers alike: serves the
/// held value at once while it has enough lifetime left, refreshes in the background before the last minutes (through
/// one <see cref="RefreshScheduler"/>), allows one fetch per credential at a time, replaces a reported value only if it
/// is still current, keeps a valid value when a refresh fails, stores each new value before serving it and records
/// every attempt. What to call for a credential is up to the <see cref="ICredentialSource"/>s. On a store shared by a
/// cluster, those rules hold across instances through <see cref="ClusterRefresh"/>; reads are served from memory alike.
/// </summary>
public sealed partial class CredentialManager : ICredentialProvider, IAppChangeListener, IHostedService, IDisposable
{
    private static readonly CredentialKind[] Kinds = Enum.GetValues<CredentialKind>();

    private readonly ConcurrentDictionary<CredentialKey, CredentialSlot> _slots = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ICredentialStore _store;
    private readonly IRefreshEventStore _events;
    private readonly IReadOnlyList<ICredentialSource> _sources;
    private readonly DailyQuota _quota;
    private readonly WxHubMetrics _metrics;
    private readonly AlertWebhook _alerts;
    private readonly IOptions<CredentialOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CredentialManager> _logger;
    private readonly RefreshScheduler _scheduler;
    private readonly ClusterRefresh? _cluster;
    // Cached once: a method group would allocate a delegate on every slot load of the read path.
    private readonly Func<CredentialSlot, Task> _load;
    private IDisposable? _listening;
    private int _disposed;
    private volatile bool _started;

    public CredentialManager(
        ICredentialStore store,
        IRefreshEventStore events,
        IEnumerable<ICredentialSource> sources,
        DailyQuota quota,
        WxHubMetrics metrics,
        AlertWebhook alerts,
        IOptions<CredentialOptions> options,
        WxHubInstance instance,
        ILeaseStore leases,
        IChangeNotifications notifications,
        TimeProvider time,
        ILogger<CredentialManager> logger)
    {
        _store = store;
        _events = events;
        _sources = sources.ToList();
        _quota = quota;
        _metrics = metrics;
        _alerts = alerts;
        _options = options;
        _time = time;
        _logger = logger;
        _scheduler = new RefreshScheduler(time, options.Value, RefreshScheduledAsync);
        if (instance.Clustered) _cluster = new ClusterRefresh(leases, notifications, instance, options.Value, time, logger);
        _load = LoadAsync;
    }

    /// <summary>Credentials with a background refresh scheduled (for operators and benchmarks).</summary>
    public int ScheduledCount => _scheduler.Count;

    /// <summary>
    /// Schedules the refresh of everything the store holds (see <see cref="ScheduleStoredAsync"/>). A store that does
    /// not answer yet does not keep the server from starting: readiness says not ready meanwhile, and the schedule is
    /// built once the store answers.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ScheduleStoredAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogScheduleDeferred(e);
            _ = ScheduleWhenStoreAnswersAsync();
        }
        _started = true;
    }

    private async Task ScheduleWhenStoreAnswersAsync()
    {
        while (true)
        {
            try
            {
                await Task.Delay(_options.Value.TransientBackoff, _time, _stopping.Token);
                await ScheduleStoredAsync(_stopping.Token);
                return;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogScheduleDeferred(e);
            }
        }
    }

    /// <summary>
    /// Schedules the refresh of everything the store holds — from one read of the expiries, so nothing still valid is
    /// fetched — and fetches what the sources keep fresh but the store lacks.
    /// </summary>
    private async Task ScheduleStoredAsync(CancellationToken cancellationToken)
    {
        // Listening first, so a value another instance stores from now on is heard; once, so a retry after a later
        // step failed does not subscribe twice.
        if (_cluster is not null) _listening ??= await _cluster.ListenAsync(key => _ = ReloadAsync(key), cancellationToken);
        var now = _time.GetUtcNow();
        var held = new HashSet<CredentialKey>();
        var refreshes = new List<(CredentialKey, DateTimeOffset, RefreshReason)>();
        foreach (var (key, expiresAt) in await _store.ListExpiriesAsync(cancellationToken))
        {
            held.Add(key);
            // A pushed ticket is never fetched: it is only read when a component token needs it.
            if (key.Kind == CredentialKind.ComponentVerifyTicket) continue;
            var due = DueAt(expiresAt, TimeSpan.Zero);
            refreshes.Add(due <= now ? (key, now, RefreshReason.Startup) : (key, due, RefreshReason.Schedule));
        }
        foreach (var source in _sources)
        {
            foreach (var key in await source.KeptFreshAsync(cancellationToken))
            {
                if (held.Add(key)) refreshes.Add((key, now, RefreshReason.Startup));
            }
        }
        _scheduler.Schedule(refreshes);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _listening?.Dispose();
        _stopping.Cancel();
        _scheduler.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Completes synchronously while a value with enough lifetime is held (every token read but the first), so the
    /// read path neither awaits nor allocates a task.
    /// </summary>
    public ValueTask<CredentialLookup> GetAsync(CredentialKey key, CancellationToken cancellationToken = default)
    {
        if (_slots.TryGetValue(key, out var slot) && slot.Loaded && Servable(slot) is { } held)
        {
            _metrics.Served(key);
            return ValueTask.FromResult(new CredentialLookup(held, null));
        }
        return new(GetSlowlyAsync(key, cancellationToken));
    }

    private async Task<CredentialLookup> GetSlowlyAsync(CredentialKey key, CancellationToken cancellationToken)
    {
        var slot = await SlotAsync(key, cancellationToken);
        var lookup = await LookupAsync(slot, cancellationToken);
        if (lookup.Credential is not null) _metrics.Served(key);
        return lookup;
    }

    private async Task<CredentialLookup> LookupAsync(CredentialSlot slot, CancellationToken cancellationToken)
    {
        if (Servable(slot) is { } held) return new(held, null);
        if (slot.Fault is { } fault && _time.GetUtcNow() < fault.RetryAt) return new(null, fault);
        await StartRefresh(slot, RefreshReason.Demand).Task.WaitAsync(cancellationToken);
        return Lookup(slot);
    }

    public async Task<CredentialLookup> InvalidateAsync(CredentialKey key, string rejectedValue, CancellationToken cancellationToken = default)
    {
        var slot = await SlotAsync(key, cancellationToken);
        // A refresh already running is joined; if it was not this invalidation's and left the value in place, one more round.
        for (var round = 0; round < 2 && IsCurrent(slot, rejectedValue); round++)
        {
            var flight = StartRefresh(slot, RefreshReason.Invalidation, rejectedValue);
            await flight.Task.WaitAsync(cancellationToken);
            if (flight.Replacing is { } replaced && SameValue(replaced, rejectedValue)) break;
        }
        if (IsCurrent(slot, rejectedValue) && slot.Fault is { } fault) return new(null, fault);
        return await GetAsync(key, cancellationToken);
    }

    /// <summary>
    /// Takes a credential WeChat issued outside a refresh (an authorizer token that came with <c>api_query_auth</c>):
    /// stored before it is served, recorded, and kept fresh from then on like any other.
    /// </summary>
    public async Task AcceptIssuedAsync(CredentialKey key, IssuedCredential issued, DateTimeOffset obtainedAt, string method, TimeSpan earlyRefresh, CancellationToken cancellationToken)
    {
        var slot = await SlotAsync(key, cancellationToken);
        slot.EarlyRefresh = earlyRefresh;
        await SucceedAsync(slot, RefreshReason.Demand, method, obtainedAt, issued, cancellationToken);
    }

    /// <summary>
    /// Something a failed refresh waited for has changed (a new component_verify_ticket arrived): a credential in a
    /// fault state is refreshed now instead of at the end of its backoff.
    /// </summary>
    public void Retry(CredentialKey key)
    {
        // Joins a refresh a reader already started; a slot without a fault got its value meanwhile.
        if (_slots.TryGetValue(key, out var slot) && slot.Fault is not null) StartRefresh(slot, RefreshReason.Schedule);
    }

    /// <summary>
    /// Starts keeping credentials fresh that a source newly knows (authorizers restored from WeChat's list): each is
    /// fetched in the background, at the scheduler's pace, unless a valid one is held. A manager that is not running
    /// (in a command-line verb) leaves them to the server's next start.
    /// </summary>
    public void Track(IEnumerable<CredentialKey> keys)
    {
        if (!_started) return;
        var now = _time.GetUtcNow();
        _scheduler.Schedule(keys
            .Where(key => !_slots.TryGetValue(key, out var slot) || Servable(slot) is null)
            .Select(key => (key, now, RefreshReason.Startup)));
    }

    /// <summary>What WxHub holds for the account, for operators.</summary>
    public IReadOnlyList<CredentialStatus> GetStatus(string appid) =>
        Kinds
            .Select(kind => _slots.GetValueOrDefault(new CredentialKey(appid, kind)))
            .OfType<CredentialSlot>()
            .Select(slot => new CredentialStatus(slot.Key, slot.Current?.ObtainedAt, slot.Current?.ExpiresAt, _scheduler.NextAt(slot.Key), slot.Refreshing, slot.Fault))
            .ToList();

    /// <summary>
    /// Forgets what memory holds for the account (after its registration changed, it was removed or an authorizer
    /// revoked its grant): faults, backoffs and scheduled refreshes go, and the next read starts again from the store.
    /// </summary>
    public void Forget(string appid)
    {
        foreach (var kind in Kinds)
        {
            var key = new CredentialKey(appid, kind);
            if (_slots.TryRemove(key, out var slot)) slot.Retire();
            _scheduler.Cancel(key);
        }
        _quota.Forget(appid);
    }

    ValueTask IAppChangeListener.OnAppChangedAsync(string appid, AppRegistration? current, CancellationToken cancellationToken)
    {
        Forget(appid);
        return ValueTask.CompletedTask;
    }

    /// <summary>Idempotent: the container disposes the instance once for each service it is registered as.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _listening?.Dispose();
        _stopping.Cancel();
        _scheduler.Dispose();
    }

    private async ValueTask<CredentialSlot> SlotAsync(CredentialKey key, CancellationToken cancellationToken)
    {
        var slot = _slots.GetOrAdd(key, static k => new CredentialSlot(k));
        var loading = slot.EnsureLoaded(_load);
        if (!loading.IsCompletedSuccessfully) await loading.WaitAsync(cancellationToken);
        return slot;
    }

    private async Task LoadAsync(CredentialSlot slot)
    {
        StoredCredential? stored;
        try
        {
            stored = await _store.GetAsync(slot.Key, _stopping.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLoadFailed(e, slot.Key);
            return;
        }
        if (stored is null || stored.ExpiresAt <= _time.GetUtcNow()) return;
        slot.Adopt(stored);
        // The scheduler may already hold a time for this key (from start-up); a load must not push it later.
        if (_scheduler.NextAt(slot.Key) is null) ScheduleNext(slot, stored, RefreshReason.Startup);
    }

    private async Task RefreshScheduledAsync(CredentialKey key, RefreshReason reason)
    {
        var slot = await SlotAsync(key, _stopping.Token);
        await StartRefresh(slot, reason).Task;
    }

    private RefreshFlight StartRefresh(CredentialSlot slot, RefreshReason reason, string? replacing = null) =>
        slot.JoinOrStart(reason, replacing, () => RefreshAsync(slot, reason, replacing));

    private async Task RefreshAsync(CredentialSlot slot, RefreshReason reason, string? replacing)
    {
        var cancellationToken = _stopping.Token;
        var startedAt = _time.GetUtcNow();
        try
        {
            if (replacing is not null && !IsCurrent(slot, replacing)) return;
            // Demand and invalidation wait out a fault's backoff; the scheduled retry is what ends it.
            if (reason != RefreshReason.Schedule && slot.Fault is { } fault && startedAt < fault.RetryAt) return;

            // What this refresh replaces, read once: a newer value taken from here on (another instance's) stands for it.
            var held = slot.Current;
            // A background refresh set for a value that another instance has since replaced (the scheduler had started
            // it before the new value was heard of) is not due: the new value's own refresh is scheduled.
            if (reason == RefreshReason.Schedule && held is { } fresh && HasLifetime(fresh) && startedAt - fresh.ObtainedAt < _options.Value.MinimumRefreshSpacing) return;

            // In a cluster, one instance at a time refreshes; the others take what it stored.
            await using var turn = _cluster is null ? null : await _cluster.TakeTurnAsync(slot.Key, () => AdoptNewerAsync(slot, held), cancellationToken);
            if (_cluster is not null && turn is null) return;
            // The lifetime counts from the call to WeChat, not from the wait for the turn: values issued one after the
            // other must not look as if issued together.
            var requestedAt = _time.GetUtcNow();

            FetchResult? fetched = null;
            foreach (var source in _sources)
            {
                fetched = await source.FetchAsync(slot.Key, replacing, this, cancellationToken);
                if (fetched is not null) break;
            }
            if (fetched is null)
            {
                slot.Fault = new(CredentialFault.AppNotFound, $"{slot.Key.Appid} is not registered with WxHub.", null, startedAt, DateTimeOffset.MaxValue);
                Forget(slot.Key.Appid);
                return;
            }

            if (fetched.Upstream is { Succeeded: true } result)
            {
                slot.EarlyRefresh = fetched.EarlyRefresh;
                await SucceedAsync(slot, reason, fetched.Method, requestedAt, result.Issued, cancellationToken);
            }
            else
            {
                await FailAsync(slot, reason, fetched, startedAt);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A store that fails must not leave the credential without a next attempt.
            LogRefreshCrashed(e, slot.Key);
            slot.ConsecutiveFailures++;
            slot.Fault = new("credential_unavailable",
                $"WxHub cannot obtain the {FaultPolicy.Describe(slot.Key.Kind)} of {slot.Key.Appid}: {e.Message}", null,
                slot.Fault?.Since ?? startedAt, startedAt + _options.Value.TransientBackoff);
            ScheduleRetry(slot, slot.Fault.RetryAt);
        }
    }

    private async Task SucceedAsync(
        CredentialSlot slot, RefreshReason reason, string method, DateTimeOffset requestedAt, IssuedCredential issued, CancellationToken cancellationToken)
    {
        if (slot.Retired) return;
        var unchanged = slot.Current is { } previous && SameValue(previous.Value, issued.Value);
        // WeChat counts the lifetime from its answer; counting from the request's start keeps WxHub on the safe side.
        var credential = new StoredCredential(slot.Key, issued.Value, requestedAt, requestedAt + issued.ExpiresIn);
        await _store.SaveAsync(credential, cancellationToken); // durable before it is served
        await RecordAsync(new RefreshEvent(slot.Key, _time.GetUtcNow(), reason, RefreshOutcome.Succeeded, null,
            unchanged ? $"{method}: WeChat returned the same value" : method));
        Take(slot, credential);
        if (_cluster is not null) await _cluster.AnnounceAsync(slot.Key);
    }

    private void Take(CredentialSlot slot, StoredCredential credential)
    {
        slot.Publish(credential);
        slot.Fault = null;
        slot.ConsecutiveFailures = 0;
        ScheduleNext(slot, credential, RefreshReason.Schedule);
    }

    /// <summary>
    /// Whether another instance obtained a value newer than <paramref name="than"/> that can be served — reloaded on its
    /// announcement (before or while the store is read here: one announcement wakes both), or found in the store and
    /// taken now: its refresh then stands for this one.
    /// </summary>
    private async Task<bool> AdoptNewerAsync(CredentialSlot slot, StoredCredential? than)
    {
        if (Servable(slot) is { } held && IsNewer(held, than)) return true;
        var stored = await _store.GetAsync(slot.Key, _stopping.Token);
        if (stored is not null && HasLifetime(stored) && IsNewer(stored, slot.Current)) Take(slot, stored);
        return Servable(slot) is { } now && IsNewer(now, than);
    }

    private static bool IsNewer(StoredCredential credential, StoredCredential? than) => than is null || credential.ObtainedAt > than.ObtainedAt;

    /// <summary>
    /// Another instance replaced <paramref name="key"/> (or, for null, may have replaced any): reload what is held.
    /// Readers go on being served the held value meanwhile; it stays valid at WeChat through the overlap.
    /// </summary>
    private async Task ReloadAsync(CredentialKey? key)
    {
        try
        {
            IEnumerable<CredentialSlot> stale;
            if (key is { } replaced)
            {
                stale = _slots.TryGetValue(replaced, out var slot) ? [slot] : [];
            }
            else
            {
                // One read of the expiries finds what changed, so a hub with many authorizers decrypts only those.
                var stored = (await _store.ListExpiriesAsync(_stopping.Token)).ToDictionary(e => e.Key, e => e.ExpiresAt);
                stale = _slots.Values.Where(s => stored.TryGetValue(s.Key, out var expiresAt) && expiresAt != s.Current?.ExpiresAt).ToList();
            }
            foreach (var slot in stale)
            {
                if (!slot.Retired) await AdoptNewerAsync(slot, slot.Current);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReloadFailed(e);
        }
    }

    private async Task FailAsync(CredentialSlot slot, RefreshReason reason, FetchResult fetched, DateTimeOffset startedAt)
    {
        slot.ConsecutiveFailures++;
        var fault = fetched.DependencyFault
            ?? FaultPolicy.For(slot.Key, fetched.Upstream!.Failure!, slot.ConsecutiveFailures, startedAt, _quota.NextReset(), _options.Value);
        var entering = slot.Fault is null;
        fault = fault with { Since = slot.Fault?.Since ?? startedAt };
        slot.Fault = fault;
        if (entering) _alerts.CredentialFailing(slot.Key, fault);
        LogRefreshFailed(slot.Key, reason, fault.Error, fault.ErrCode, fault.RetryAt);

        var skipped = fetched.Upstream?.Failure?.Kind == UpstreamFailureKind.QuotaSpent || fetched.DependencyFault is not null;
        await RecordAsync(new RefreshEvent(slot.Key, _time.GetUtcNow(), reason, skipped ? RefreshOutcome.Skipped : RefreshOutcome.Failed,
            fault.ErrCode, $"{fetched.Method}: {fault.Message}"));
        ScheduleRetry(slot, fault.RetryAt);
    }

    /// <summary>
    /// The next background refresh: inside the margin, spread by jitter (and, where the source allows, earlier by up to
    /// its <see cref="FetchResult.EarlyRefresh"/>), never sooner than the minimum spacing.
    /// </summary>
    private void ScheduleNext(CredentialSlot slot, StoredCredential credential, RefreshReason reasonIfDue)
    {
        var due = DueAt(credential.ExpiresAt, slot.EarlyRefresh);
        if (due <= _time.GetUtcNow() && reasonIfDue == RefreshReason.Startup)
        {
            StartRefresh(slot, RefreshReason.Startup);
            return;
        }
        ScheduleRetry(slot, due);
    }

    private DateTimeOffset DueAt(DateTimeOffset expiresAt, TimeSpan earlyRefresh)
    {
        var settings = _options.Value;
        return expiresAt - settings.RefreshMargin + settings.RefreshJitter * (1 - Random.Shared.NextDouble()) - earlyRefresh * Random.Shared.NextDouble();
    }

    private void ScheduleRetry(CredentialSlot slot, DateTimeOffset at)
    {
        if (_stopping.IsCancellationRequested || slot.Retired) return;
        var earliest = _time.GetUtcNow() + _options.Value.MinimumRefreshSpacing;
        _scheduler.Schedule(slot.Key, at > earliest ? at : earliest, RefreshReason.Schedule);
    }

    private async Task RecordAsync(RefreshEvent refreshEvent)
    {
        _metrics.Refreshed(refreshEvent);
        try
        {
            await _events.AddAsync(refreshEvent, _stopping.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogEventNotRecorded(e, refreshEvent.Key);
        }
    }

    private StoredCredential? Servable(CredentialSlot slot) => slot.Current is { } current && HasLifetime(current) ? current : null;

    private bool HasLifetime(StoredCredential credential) => credential.ExpiresAt - _time.GetUtcNow() >= _options.Value.MinimumLifetime;

    private CredentialLookup Lookup(CredentialSlot slot) =>
        Servable(slot) is { } held
            ? new(held, null)
            : new(null, slot.Fault ?? new CredentialFault("credential_unavailable",
                $"WeChat issued the {FaultPolicy.Describe(slot.Key.Kind)} of {slot.Key.Appid} with less than the minimum lifetime ({_options.Value.MinimumLifetime.TotalSeconds:0} s) left; try again shortly.",
                null, _time.GetUtcNow(), _time.GetUtcNow()));

    private static bool IsCurrent(CredentialSlot slot, string value) => slot.Current is { } current && SameValue(current.Value, value);

    private static bool SameValue(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing {Key} ({Reason}) failed: {Error} (errcode {ErrCode}); next attempt at {RetryAt:O}")]
    private partial void LogRefreshFailed(CredentialKey key, RefreshReason reason, string error, int? errCode, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshing {Key} failed unexpectedly")]
    private partial void LogRefreshCrashed(Exception exception, CredentialKey key);

    [LoggerMessage(Level = LogLevel.Error, Message = "The store does not answer: the credentials' refresh schedule is built once it does")]
    private partial void LogScheduleDeferred(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not load the stored {Key}; it will be fetched from WeChat")]
    private partial void LogLoadFailed(Exception exception, CredentialKey key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reload credentials another instance replaced; the held ones are served while valid")]
    private partial void LogReloadFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record a refresh event of {Key}")]
    private partial void LogEventNotRecorded(Exception exception, CredentialKey key);
}
