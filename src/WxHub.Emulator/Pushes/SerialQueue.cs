namespace WxHub.Emulator.Pushes;

/// <summary>Runs work one item after another in the order it was queued (a receiver's pushes arrive in order).</summary>
internal sealed class SerialQueue
{
    private readonly Lock _gate = new();
    private Task _tail = Task.CompletedTask;

    public Task<T> Enqueue<T>(Func<Task<T>> work)
    {
        lock (_gate)
        {
            var next = _tail.ContinueWith(_ => work(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            _tail = next;
            return next;
        }
    }

    /// <summary>Completes once everything queued so far has run.</summary>
    public Task Drained
    {
        get { lock (_gate) return _tail.ContinueWith(_ => { }, TaskScheduler.Default); }
    }
}
