using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace WxHub.Server.Dashboard;

/// <summary>
/// Keeps the operator password from being guessed: an address whose sign-ins failed
/// <see cref="DashboardOptions.SignInAttempts"/> times within <see cref="DashboardOptions.SignInWindow"/> may not try
/// again until that window has passed; a successful sign-in clears its count.
/// </summary>
public sealed class SignInThrottle(TimeProvider time, IOptions<DashboardOptions> options)
{
    // Past this many addresses, the ones whose window ended are forgotten (checked on each failure).
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    /// <summary>How long the address must wait before it may try to sign in, or null when it may try now.</summary>
    public TimeSpan? Wait(HttpContext http)
    {
        var now = time.GetUtcNow();
        return _failures.TryGetValue(Address(http), out var failures) && failures.Count >= options.Value.SignInAttempts && failures.WindowEnds > now
            ? failures.WindowEnds - now
            : null;
    }

    public void Failed(HttpContext http)
    {
        var now = time.GetUtcNow();
        if (_failures.Count > PruneAbove)
            foreach (var (address, stale) in _failures) if (stale.WindowEnds <= now) _failures.TryRemove(address, out _);
        var fresh = new Failures(1, now + options.Value.SignInWindow);
        _failures.AddOrUpdate(Address(http), fresh, (_, failures) => failures.WindowEnds <= now ? fresh : failures with { Count = failures.Count + 1 });
    }

    public void Succeeded(HttpContext http) => _failures.TryRemove(Address(http), out _);

    private static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "";

    private sealed record Failures(int Count, DateTimeOffset WindowEnds);
}
