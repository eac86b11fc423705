using System.Threading.RateLimiting;

namespace WxHub.Core.Credentials;

/// <summary>
/// The one schedule of every credential's next refresh: a priority queue by due time behind a single timer, so a hub
/// with 100,000 authorizers keeps one small queue entry per credential instead of a timer each. Due refreshes start in
/// due order (a backlog drains earliest first), at most <see cref="CredentialOptions.MaxConcurrentRefreshes"/> at a time
/// and no faster than <see cref="CredentialOptions.RefreshesPerSecond"/>, so a crowd of credentials falling due together
/// cannot flood WeChat. Demand and invalidation refreshes do not pass through here: a waiting reader never queues.
/// </summary>
internal sealed class RefreshScheduler : IDisposable
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<CredentialKey, DateTimeOffset> _queue = new();
    // The live entry of each key; a queue entry whose time differs was superseded or cancelled and is skipped.
    private readonly Dictionary<CredentialKey, Due> _due = [];
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly RateLimiter _rate;
    private readonly int _maxConcurrent;
    private readonly Func<CredentialKey, RefreshReason, Task> _refresh;
    private int _running;
    private bool _waitingForPermit;
    private bool _prepaid;
    private bool _disposed;

    public RefreshScheduler(TimeProvider time, CredentialOptions options, Func<CredentialKey, RefreshReason, Task> refresh)
    {
        _time = time;
        _refresh = refresh;
        _maxConcurrent = options.MaxConcurrentRefreshes;
        // Ten replenishments a second keep the rate smooth; the bucket holds one tenth of a second's worth.
        var perTenth = Math.Max(1, (int)Math.Ceiling(options.RefreshesPerSecond / 10.0));
        _rate = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perTenth,
            TokensPerPeriod = perTenth,
            ReplenishmentPeriod = TimeSpan.FromSeconds(perTenth / options.RefreshesPerSecond),
            QueueLimit = 1,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        _timer = time.CreateTimer(static state => ((RefreshScheduler)state!).Pump(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Credentials with a refresh scheduled.</summary>
    public int Count
    {
        get { lock (_gate) return _due.Count; }
    }

    /// <summary>Sets (or moves) the key's next refresh.</summary>
    public void Schedule(CredentialKey key, DateTimeOffset at, RefreshReason reason) => Schedule([(key, at, reason)]);

    public void Schedule(IEnumerable<(CredentialKey Key, DateTimeOffset At, RefreshReason Reason)> refreshes)
    {
        lock (_gate)
        {
            if (_disposed) return;
            foreach (var (key, at, reason) in refreshes)
            {
                _due[key] = new Due(at, reason);
                _queue.Enqueue(key, at);
            }
        }
        Pump();
    }

    public void Cancel(CredentialKey key)
    {
        lock (_gate) _due.Remove(key);
    }

    public DateTimeOffset? NextAt(CredentialKey key)
    {
        lock (_gate) return _due.TryGetValue(key, out var due) ? due.At : null;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _due.Clear();
            _queue.Clear();
        }
        _timer.Dispose();
        _rate.Dispose();
    }

    private void Pump()
    {
        List<(CredentialKey, RefreshReason)>? start = null;
        lock (_gate)
        {
            if (_disposed) return;
            var now = _time.GetUtcNow();
            DateTimeOffset? wake = null;
            while (_queue.TryPeek(out var key, out var at))
            {
                if (!_due.TryGetValue(key, out var due) || due.At != at)
                {
                    _queue.Dequeue();
                    continue;
                }
                if (at > now)
                {
                    wake = at;
                    break;
                }
                // Blocked: a finishing refresh or the next permit pumps again.
                if (_running >= _maxConcurrent || _waitingForPermit || !TakePermit()) break;
                _queue.Dequeue();
                _due.Remove(key);
                _running++;
                (start ??= []).Add((key, due.Reason));
            }
            _timer.Change(wake is { } next ? next - now : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        if (start is null) return;
        foreach (var (key, reason) in start) _ = RunAsync(key, reason);
    }

    /// <summary>Under the lock: a permit now, or false after arranging to pump again when the next one comes.</summary>
    private bool TakePermit()
    {
        if (_prepaid)
        {
            _prepaid = false;
            return true;
        }
        using (var lease = _rate.AttemptAcquire())
        {
            if (lease.IsAcquired) return true;
        }
        _waitingForPermit = true;
        _ = WaitForPermitAsync();
        return false;
    }

    private async Task WaitForPermitAsync()
    {
        bool acquired;
        try
        {
            using var lease = await _rate.AcquireAsync(1);
            acquired = lease.IsAcquired;
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        lock (_gate)
        {
            _waitingForPermit = false;
            _prepaid = acquired;
        }
        Pump();
    }

    private async Task RunAsync(CredentialKey key, RefreshReason reason)
    {
        try
        {
            await _refresh(key, reason);
        }
        catch
        {
            // The refresh records its own failures and schedules its retry; the slot it held must be freed regardless.
        }
        finally
        {
            lock (_gate) _running--;
            Pump();
        }
    }

    private readonly record struct Due(DateTimeOffset At, RefreshReason Reason);
}
