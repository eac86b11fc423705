namespace WxHub.Core.Credentials;

/// <summary>
/// The in-memory state of one credential: the value served, the one refresh allowed in flight, the fault of the last
/// refresh and the timer of the next one. Only the flight writes <see cref="Fault"/> and the failure count.
/// </summary>
internal sealed class CredentialSlot(CredentialKey key) : IDisposable
{
    private readonly Lock _gate = new();
    private Task? _loading;
    private RefreshFlight? _flight;
    private ITimer? _timer;
    private Action<CredentialSlot>? _onTimer;
    private StoredCredential? _current;
    private DateTimeOffset? _nextRefreshAt;
    private bool _retired;

    public CredentialKey Key => key;

    public StoredCredential? Current => Volatile.Read(ref _current);

    public CredentialFault? Fault { get; set; }

    public int ConsecutiveFailures { get; set; }

    public bool Refreshing
    {
        get { lock (_gate) return _flight is { Task.IsCompleted: false }; }
    }

    public DateTimeOffset? NextRefreshAt
    {
        get { lock (_gate) return _nextRefreshAt; }
    }

    /// <summary>Runs <paramref name="load"/> once for the life of the slot; later callers get the same task.</summary>
    public Task EnsureLoaded(Func<Task> load)
    {
        lock (_gate) return _loading ??= Task.Run(load);
    }

    /// <summary>Single flight: joins the refresh in progress, whatever started it, or starts one.</summary>
    public RefreshFlight JoinOrStart(RefreshReason reason, string? replacing, Func<Task> refresh)
    {
        lock (_gate)
        {
            if (_flight is { Task.IsCompleted: false } running) return running;
            return _flight = new RefreshFlight(reason, replacing, Task.Run(refresh));
        }
    }

    public void Publish(StoredCredential credential) => Volatile.Write(ref _current, credential);

    /// <summary>Takes a credential read from the store unless a refresh already published a value.</summary>
    public void Adopt(StoredCredential stored) => Interlocked.CompareExchange(ref _current, stored, null);

    public void ScheduleRefresh(TimeProvider time, DateTimeOffset at, Action<CredentialSlot> refresh)
    {
        lock (_gate)
        {
            if (_retired) return;
            _timer ??= time.CreateTimer(static state => ((CredentialSlot)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _onTimer = refresh;
            _nextRefreshAt = at;
            var due = at - time.GetUtcNow();
            _timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        Action<CredentialSlot>? refresh;
        lock (_gate)
        {
            _nextRefreshAt = null;
            refresh = _onTimer;
        }
        refresh?.Invoke(this);
    }

    /// <summary>Stops the timer for good: a flight still running cannot schedule again.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _retired = true;
            _timer?.Dispose();
            _timer = null;
            _onTimer = null;
            _nextRefreshAt = null;
        }
    }
}

/// <summary>A refresh in progress, what started it and, for an invalidation, the value it replaces.</summary>
internal sealed class RefreshFlight(RefreshReason reason, string? replacing, Task task)
{
    public RefreshReason Reason => reason;

    /// <summary>A secret: not a record, so that it never prints.</summary>
    public string? Replacing => replacing;

    public Task Task => task;
}
