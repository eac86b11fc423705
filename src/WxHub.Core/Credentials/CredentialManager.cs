using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxHub.Core.Apps;
using WxHub.Core.Diagnostics;
using WxHub.Core.WeChat;

namespace WxHub.Core.Credentials;

/// <summary>
/// Keeps every credential of every app valid: serves the held value at once while it has enough lifetime left,
/// refreshes in the background before the last minutes, allows one fetch per credential at a time, replaces a
/// reported value only if it is still current, keeps a valid value when a refresh fails, stores each new value
/// before serving it and records every attempt.
/// </summary>
public sealed partial class CredentialManager(
    IAppStore apps,
    ICredentialStore store,
    IRefreshEventStore events,
    CredentialSource source,
    DailyQuota quota,
    WxHubMetrics metrics,
    AlertWebhook alerts,
    IOptions<CredentialOptions> options,
    TimeProvider time,
    ILogger<CredentialManager> logger) : ICredentialProvider, IAppChangeListener, IHostedService, IDisposable
{
    private static readonly CredentialKind[] Tickets = [CredentialKind.JsapiTicket, CredentialKind.WxCardTicket];

    private readonly ConcurrentDictionary<CredentialKey, CredentialSlot> _slots = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    /// <summary>Loads what the store holds for every registered app and fetches access tokens it lacks.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var app in await apps.ListAsync(cancellationToken))
        {
            var token = await SlotAsync(new CredentialKey(app.Appid, CredentialKind.AccessToken), cancellationToken);
            if (token.Current is null) StartRefresh(token, RefreshReason.Startup);
            foreach (var kind in Tickets)
            {
                var key = new CredentialKey(app.Appid, kind);
                // Tickets are kept fresh only once someone asked for them; a stored one says someone did.
                if (await store.GetAsync(key, cancellationToken) is not null) await SlotAsync(key, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        foreach (var slot in _slots.Values) slot.Dispose();
        return Task.CompletedTask;
    }

    public async Task<CredentialLookup> GetAsync(CredentialKey key, CancellationToken cancellationToken = default)
    {
        var slot = await SlotAsync(key, cancellationToken);
        var lookup = await LookupAsync(slot, cancellationToken);
        if (lookup.Credential is not null) metrics.Served(key);
        return lookup;
    }

    private async Task<CredentialLookup> LookupAsync(CredentialSlot slot, CancellationToken cancellationToken)
    {
        if (Servable(slot) is { } held) return new(held, null);
        if (slot.Fault is { } fault && time.GetUtcNow() < fault.RetryAt) return new(null, fault);
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

    /// <summary>What WxHub holds for the app, for operators.</summary>
    public IReadOnlyList<CredentialStatus> GetStatus(string appid) =>
        _slots.Values
            .Where(slot => slot.Key.Appid == appid)
            .OrderBy(slot => slot.Key.Kind)
            .Select(slot => new CredentialStatus(slot.Key, slot.Current?.ObtainedAt, slot.Current?.ExpiresAt, slot.NextRefreshAt, slot.Refreshing, slot.Fault))
            .ToList();

    /// <summary>
    /// Forgets what memory holds for the app (after its registration changed or it was removed): faults and backoffs
    /// are cleared and the next read starts again from the store.
    /// </summary>
    public void AppChanged(string appid)
    {
        foreach (var key in _slots.Keys.Where(k => k.Appid == appid))
        {
            if (_slots.TryRemove(key, out var slot)) slot.Dispose();
        }
        quota.Forget(appid);
    }

    ValueTask IAppChangeListener.OnAppChangedAsync(string appid, AppRegistration? current, CancellationToken cancellationToken)
    {
        AppChanged(appid);
        return ValueTask.CompletedTask;
    }

    /// <summary>Idempotent: the container disposes the instance once for each service it is registered as.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stopping.Cancel();
        foreach (var slot in _slots.Values) slot.Dispose();
    }

    private async ValueTask<CredentialSlot> SlotAsync(CredentialKey key, CancellationToken cancellationToken)
    {
        var slot = _slots.GetOrAdd(key, static k => new CredentialSlot(k));
        await slot.EnsureLoaded(() => LoadAsync(slot)).WaitAsync(cancellationToken);
        return slot;
    }

    private async Task LoadAsync(CredentialSlot slot)
    {
        StoredCredential? stored;
        try
        {
            stored = await store.GetAsync(slot.Key, _stopping.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLoadFailed(e, slot.Key);
            return;
        }
        if (stored is null || stored.ExpiresAt <= time.GetUtcNow()) return;
        slot.Adopt(stored);
        ScheduleNext(slot, stored, RefreshReason.Startup);
    }

    private RefreshFlight StartRefresh(CredentialSlot slot, RefreshReason reason, string? replacing = null) =>
        slot.JoinOrStart(reason, replacing, () => RefreshAsync(slot, reason, replacing));

    private async Task RefreshAsync(CredentialSlot slot, RefreshReason reason, string? replacing)
    {
        var cancellationToken = _stopping.Token;
        var startedAt = time.GetUtcNow();
        try
        {
            if (replacing is not null && !IsCurrent(slot, replacing)) return;
            // Demand and invalidation wait out a fault's backoff; the scheduled retry is what ends it.
            if (reason != RefreshReason.Schedule && slot.Fault is { } fault && startedAt < fault.RetryAt) return;

            var app = await apps.GetAsync(slot.Key.Appid, cancellationToken);
            if (app is null)
            {
                slot.Fault = new(CredentialFault.AppNotFound, $"{slot.Key.Appid} is not registered with WxHub.", null, startedAt, DateTimeOffset.MaxValue);
                AppChanged(slot.Key.Appid);
                return;
            }

            var fetched = await source.FetchAsync(slot.Key, app, replacing, this, cancellationToken);
            if (fetched.Upstream is { Succeeded: true } result)
            {
                await SucceedAsync(slot, reason, fetched.Method, startedAt, result.Issued, cancellationToken);
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
                slot.Fault?.Since ?? startedAt, startedAt + options.Value.TransientBackoff);
            ScheduleRetry(slot, slot.Fault.RetryAt);
        }
    }

    private async Task SucceedAsync(
        CredentialSlot slot, RefreshReason reason, string method, DateTimeOffset startedAt, IssuedCredential issued, CancellationToken cancellationToken)
    {
        var unchanged = slot.Current is { } previous && SameValue(previous.Value, issued.Value);
        // WeChat counts the lifetime from its answer; counting from the request's start keeps WxHub on the safe side.
        var credential = new StoredCredential(slot.Key, issued.Value, startedAt, startedAt + issued.ExpiresIn);
        await store.SaveAsync(credential, cancellationToken); // durable before it is served
        await RecordAsync(new RefreshEvent(slot.Key, time.GetUtcNow(), reason, RefreshOutcome.Succeeded, null,
            unchanged ? $"{method}: WeChat returned the same value" : method));
        slot.Publish(credential);
        slot.Fault = null;
        slot.ConsecutiveFailures = 0;
        ScheduleNext(slot, credential, RefreshReason.Schedule);
    }

    private async Task FailAsync(CredentialSlot slot, RefreshReason reason, FetchResult fetched, DateTimeOffset startedAt)
    {
        slot.ConsecutiveFailures++;
        var fault = fetched.TokenFault
            ?? FaultPolicy.For(slot.Key, fetched.Upstream!.Failure!, slot.ConsecutiveFailures, startedAt, quota.NextReset(), options.Value);
        var entering = slot.Fault is null;
        fault = fault with { Since = slot.Fault?.Since ?? startedAt };
        slot.Fault = fault;
        if (entering) alerts.CredentialFailing(slot.Key, fault);
        LogRefreshFailed(slot.Key, reason, fault.Error, fault.ErrCode, fault.RetryAt);

        var skipped = fetched.Upstream?.Failure?.Kind == UpstreamFailureKind.QuotaSpent || fetched.TokenFault is not null;
        await RecordAsync(new RefreshEvent(slot.Key, time.GetUtcNow(), reason, skipped ? RefreshOutcome.Skipped : RefreshOutcome.Failed,
            fault.ErrCode, $"{fetched.Method}: {fault.Message}"));
        ScheduleRetry(slot, fault.RetryAt);
    }

    /// <summary>The next background refresh: inside the margin, spread by jitter, never sooner than the minimum spacing.</summary>
    private void ScheduleNext(CredentialSlot slot, StoredCredential credential, RefreshReason reasonIfDue)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var due = credential.ExpiresAt - settings.RefreshMargin + settings.RefreshJitter * (1 - Random.Shared.NextDouble());
        if (due <= now && reasonIfDue == RefreshReason.Startup)
        {
            StartRefresh(slot, RefreshReason.Startup);
            return;
        }
        ScheduleRetry(slot, due);
    }

    private void ScheduleRetry(CredentialSlot slot, DateTimeOffset at)
    {
        if (_stopping.IsCancellationRequested) return;
        var earliest = time.GetUtcNow() + options.Value.MinimumRefreshSpacing;
        slot.ScheduleRefresh(time, at > earliest ? at : earliest, s => StartRefresh(s, RefreshReason.Schedule));
    }

    private async Task RecordAsync(RefreshEvent refreshEvent)
    {
        metrics.Refreshed(refreshEvent);
        try
        {
            await events.AddAsync(refreshEvent, _stopping.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogEventNotRecorded(e, refreshEvent.Key);
        }
    }

    private StoredCredential? Servable(CredentialSlot slot) =>
        slot.Current is { } current && current.ExpiresAt - time.GetUtcNow() >= options.Value.MinimumLifetime ? current : null;

    private CredentialLookup Lookup(CredentialSlot slot) =>
        Servable(slot) is { } held
            ? new(held, null)
            : new(null, slot.Fault ?? new CredentialFault("credential_unavailable",
                $"WeChat issued the {FaultPolicy.Describe(slot.Key.Kind)} of {slot.Key.Appid} with less than the minimum lifetime ({options.Value.MinimumLifetime.TotalSeconds:0} s) left; try again shortly.",
                null, time.GetUtcNow(), time.GetUtcNow()));

    private static bool IsCurrent(CredentialSlot slot, string value) => slot.Current is { } current && SameValue(current.Value, value);

    private static bool SameValue(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing {Key} ({Reason}) failed: {Error} (errcode {ErrCode}); next attempt at {RetryAt:O}")]
    private partial void LogRefreshFailed(CredentialKey key, RefreshReason reason, string error, int? errCode, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshing {Key} failed unexpectedly")]
    private partial void LogRefreshCrashed(Exception exception, CredentialKey key);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not load the stored {Key}; it will be fetched from WeChat")]
    private partial void LogLoadFailed(Exception exception, CredentialKey key);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record a refresh event of {Key}")]
    private partial void LogEventNotRecorded(Exception exception, CredentialKey key);
}
