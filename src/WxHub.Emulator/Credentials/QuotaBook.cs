using WxHub.Emulator.Api;

namespace WxHub.Emulator.Credentials;

/// <summary>
/// Calls counted per app, API path and day (WeChat's day: midnight in Beijing), and per minute where WeChat has a
/// minute limit; plus the 10 quota resets an app may make per calendar month.
/// </summary>
internal sealed class QuotaBook
{
    public const int ResetsPerMonth = 10;

    /// <summary>Daily and per-minute limits of a new account (interface-limits page); paths not listed are unlimited.</summary>
    private static readonly Dictionary<string, QuotaLimit> Defaults = new(StringComparer.Ordinal)
    {
        ["/cgi-bin/token"] = new(2000),
        ["/cgi-bin/stable_token"] = new(500_000, 10_000),
        ["/cgi-bin/ticket/getticket"] = new(1000),
        ["/cgi-bin/user/get"] = new(500),
        ["/cgi-bin/user/info"] = new(5_000_000),
        ["/cgi-bin/user/info/batchget"] = new(5_000_000),
        ["/cgi-bin/message/custom/send"] = new(500_000),
        ["/cgi-bin/message/template/send"] = new(100_000),
        ["/cgi-bin/media/get"] = new(10_000),
    };

    private readonly Dictionary<(string AppId, string Path, long Day), int> _daily = [];
    private readonly Dictionary<(string AppId, string Path, long Minute), int> _perMinute = [];
    private readonly Dictionary<(string AppId, int Month), int> _resets = [];

    /// <summary>Counts one call, or throws 45009/45011 when the app has used up the day's or the minute's calls.</summary>
    public void Consume(string appId, string path, IReadOnlyDictionary<string, int> overrides, DateTimeOffset now)
    {
        var limit = overrides.TryGetValue(path, out var daily)
            ? new QuotaLimit(daily, Defaults.GetValueOrDefault(path)?.PerMinute)
            : Defaults.GetValueOrDefault(path);
        if (limit is null) return;

        var dayKey = (appId, path, (long)BeijingCalendar.Day(now));
        var minuteKey = (appId, path, now.ToUnixTimeSeconds() / 60);
        var usedToday = _daily.GetValueOrDefault(dayKey);
        var usedThisMinute = _perMinute.GetValueOrDefault(minuteKey);
        if (usedToday >= limit.Daily) throw new WeChatError(WeChatErrors.DailyQuota);
        if (usedThisMinute >= limit.PerMinute) throw new WeChatError(WeChatErrors.MinuteQuota);
        _daily[dayKey] = usedToday + 1;
        if (limit.PerMinute is not null) _perMinute[minuteKey] = usedThisMinute + 1;
    }

    /// <summary>Resets an app's counts for today (clear_quota), or throws 48006 after 10 resets this month.</summary>
    public void Reset(string appId, DateTimeOffset now)
    {
        var monthKey = (appId, BeijingCalendar.Month(now));
        var resets = _resets.GetValueOrDefault(monthKey);
        if (resets >= ResetsPerMonth) throw new WeChatError(WeChatErrors.ClearQuotaLimit);
        _resets[monthKey] = resets + 1;
        foreach (var key in _daily.Keys.Where(k => k.AppId == appId).ToList()) _daily.Remove(key);
        foreach (var key in _perMinute.Keys.Where(k => k.AppId == appId).ToList()) _perMinute.Remove(key);
    }

    private sealed record QuotaLimit(int Daily, int? PerMinute = null);
}
