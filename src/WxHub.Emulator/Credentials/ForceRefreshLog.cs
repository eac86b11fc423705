namespace WxHub.Emulator.Credentials;

/// <summary>An app's forced stable_token refreshes: at most 20 a day, at least 30 seconds apart.</summary>
internal sealed class ForceRefreshLog
{
    public const int PerDay = 20;
    public static readonly TimeSpan Spacing = TimeSpan.FromSeconds(30);

    private DateTimeOffset? _last;
    private int _day;
    private int _count;

    /// <summary>Whether a forced refresh may happen now; if so, it is counted.</summary>
    public bool TryUse(DateTimeOffset now)
    {
        var day = BeijingCalendar.Day(now);
        if (day != _day)
        {
            _day = day;
            _count = 0;
        }
        if (_count >= PerDay || now - _last < Spacing) return false;
        _count++;
        _last = now;
        return true;
    }
}
