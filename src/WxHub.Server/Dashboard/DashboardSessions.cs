using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace WxHub.Server.Dashboard;

/// <summary>A signed-in operator (with the admin key or the operator password); the session id lives in an HttpOnly, SameSite=Strict cookie.</summary>
public sealed record DashboardSession(string SignedInWith, DateTimeOffset ExpiresAt);

/// <summary>
/// The dashboard's sessions, in memory (a restart signs operators out). Only hashes of session ids are kept, so a
/// memory dump cannot be replayed as a cookie.
/// </summary>
public sealed class DashboardSessions(TimeProvider time)
{
    public const string CookieName = "wxhub_session";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private readonly ConcurrentDictionary<string, DashboardSession> _sessions = new(StringComparer.Ordinal);

    public void SignIn(HttpContext http, string signedInWith)
    {
        var id = NewToken();
        var now = time.GetUtcNow();
        foreach (var (hash, stale) in _sessions) if (stale.ExpiresAt <= now) _sessions.TryRemove(hash, out _);
        _sessions[Hash(id)] = new DashboardSession(signedInWith, now + Lifetime);
        http.Response.Cookies.Append(CookieName, id, Cookie(http));
    }

    public DashboardSession? Current(HttpContext http) =>
        http.Request.Cookies[CookieName] is { Length: > 0 } id && _sessions.TryGetValue(Hash(id), out var session) && session.ExpiresAt > time.GetUtcNow()
            ? session
            : null;

    public void SignOut(HttpContext http)
    {
        if (http.Request.Cookies[CookieName] is { Length: > 0 } id) _sessions.TryRemove(Hash(id), out _);
        http.Response.Cookies.Delete(CookieName, Cookie(http));
    }

    /// <summary>A browser-session cookie: the server alone decides when a session ends (its clock, not the browser's).</summary>
    private static CookieOptions Cookie(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = "/",
    };

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Hash(string id) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
}
