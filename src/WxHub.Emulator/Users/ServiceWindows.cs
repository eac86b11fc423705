using WxHub.Emulator.Api;

namespace WxHub.Emulator.Users;

/// <summary>
/// When an account may send customer-service messages to a user (reference §7.1): a message from the user allows 5
/// within 48 hours; an event (follow, menu click, scan) allows 3 within a minute. Outside any window: 45015.
/// </summary>
internal sealed class ServiceWindows
{
    private readonly Dictionary<(string AppId, string OpenId), Window> _windows = [];

    public void OpenForMessage(string appId, string openId, DateTimeOffset now) =>
        Open(appId, openId, new Window(now + TimeSpan.FromHours(48), 5));

    public void OpenForEvent(string appId, string openId, DateTimeOffset now) =>
        Open(appId, openId, new Window(now + TimeSpan.FromMinutes(1), 3));

    /// <summary>Counts one message, or throws 45015 (no open window) or 45047 (the window's messages are used up).</summary>
    public void Use(string appId, string openId, DateTimeOffset now)
    {
        if (!_windows.TryGetValue((appId, openId), out var window) || window.ClosesAt <= now)
            throw new WeChatError(WeChatErrors.OutOfResponseWindow);
        if (window.Remaining == 0) throw new WeChatError(WeChatErrors.TooManyMessages);
        _windows[(appId, openId)] = window with { Remaining = window.Remaining - 1 };
    }

    /// <summary>A new window replaces an older one only when it allows more.</summary>
    private void Open(string appId, string openId, Window window)
    {
        var key = (appId, openId);
        if (_windows.TryGetValue(key, out var current) && current.ClosesAt > window.ClosesAt && current.Remaining > 0) return;
        _windows[key] = window;
    }

    private readonly record struct Window(DateTimeOffset ClosesAt, int Remaining);
}
