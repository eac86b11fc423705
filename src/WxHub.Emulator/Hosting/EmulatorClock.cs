namespace WxHub.Emulator.Hosting;

/// <summary>
/// The emulator's time: the given clock plus whatever <c>POST /__emulator/clock</c> added. Timers run on the given
/// clock; code that schedules by due instants listens to <see cref="Advanced"/> to catch up after a jump.
/// </summary>
internal sealed class EmulatorClock(TimeProvider inner) : TimeProvider
{
    private readonly Lock _gate = new();
    private TimeSpan _offset;

    public event Action? Advanced;

    public TimeSpan Offset
    {
        get { lock (_gate) return _offset; }
    }

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Offset;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);

    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        lock (_gate) _offset += delta;
        Advanced?.Invoke();
    }

    public long UnixSeconds() => GetUtcNow().ToUnixTimeSeconds();
}
