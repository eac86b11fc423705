namespace WxHub.Core.Credentials;

/// <summary>
/// The in-memory state of one credential: the value served, the one refresh allowed in flight and the fault of the
/// last refresh. Its next refresh lives in the <see cref="RefreshScheduler"/>, so a slot holds no timer. The flight
/// writes <see cref="Fault"/>, the failure count and <see cref="EarlyRefresh"/>; in a cluster, taking a value another
/// instance obtained also clears the fault.
/// </summary>
internal sealed class CredentialSlot(CredentialKey key)
{
    private readonly Lock _gate = new();
    private Task? _loading;
    private RefreshFlight? _flight;
    private StoredCredential? _current;
    private volatile bool _retired;

    public CredentialKey Key => key;

    public StoredCredential? Current => Volatile.Read(ref _current);

    public CredentialFault? Fault { get; set; }

    public int ConsecutiveFailures { get; set; }

    /// <summary>How much earlier than the margin the source allows the next refresh to be spread (<see cref="FetchResult.EarlyRefresh"/>).</summary>
    public TimeSpan EarlyRefresh { get; set; }

    /// <summary>Set when the account was removed or revoked: a flight still running must not store or schedule again.</summary>
    public bool Retired => _retired;

    public bool Refreshing
    {
        get { lock (_gate) return _flight is { Task.IsCompleted: false }; }
    }

    /// <summary>Whether the stored value was loaded (or found missing): from then on memory is the truth for reads.</summary>
    public bool Loaded => Volatile.Read(ref _loading) is { IsCompletedSuccessfully: true };

    /// <summary>Starts <paramref name="load"/> once; afterwards (every token read) answers without taking the lock.</summary>
    public Task EnsureLoaded(Func<CredentialSlot, Task> load)
    {
        if (Volatile.Read(ref _loading) is { } loading) return loading;
        lock (_gate) return _loading ??= Task.Run(() => load(this));
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

    public void Retire() => _retired = true;
}

/// <summary>A refresh in progress, what started it and, for an invalidation, the value it replaces.</summary>
internal sealed class RefreshFlight(RefreshReason reason, string? replacing, Task task)
{
    public RefreshReason Reason => reason;

    /// <summary>A secret: not a record, so that it never prints.</summary>
    public string? Replacing => replacing;

    public Task Task => task;
}
