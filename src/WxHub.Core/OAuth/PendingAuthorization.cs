using WxHub.Core.Identity;

namespace WxHub.Core.OAuth;

/// <summary>
/// An authorization WxHub sent a browser to WeChat for, keyed by the nonce inside the signed state: where the business
/// wants the person back, and its own state to hand back. Used once.
/// </summary>
public sealed record PendingAuthorization(
    string Nonce,
    string Appid,
    string? ComponentAppid,
    string Scope,
    string RedirectUri,
    string? BusinessState,
    DateTimeOffset ExpiresAt);

/// <summary>Who signed in: what <c>POST /v1/oauth/exchange</c> and <c>POST /v1/apps/{appid}/oauth/code</c> answer.</summary>
public sealed record SignIn(string Appid, string Openid, string? Unionid, string Scope, WeChatUser? User);

/// <summary>The short-lived state of web authorization flows. Every "use" is atomic, so it holds across instances.</summary>
public interface IOAuthStore
{
    Task AddPendingAsync(PendingAuthorization pending, CancellationToken cancellationToken = default);

    /// <summary>Marks the authorization used and returns it; null when unknown, already used or expired.</summary>
    Task<PendingAuthorization?> TakePendingAsync(string nonce, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records that WeChat's code was presented for the app; false when it was presented before.</summary>
    Task<bool> TryUseCodeAsync(string appid, byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task AddSignInAsync(byte[] codeHash, SignIn signIn, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>The sign-in behind a one-time code that is neither used nor expired, without using it.</summary>
    Task<SignIn?> FindSignInAsync(byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Uses the one-time code; false when it was used (or expired) in the meantime.</summary>
    Task<bool> RedeemSignInAsync(byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The business redirect URL prefixes the app allows; empty when the app has no allow-list.</summary>
    Task<IReadOnlyList<string>> GetRedirectPrefixesAsync(string appid, CancellationToken cancellationToken = default);

    Task SetRedirectPrefixesAsync(string appid, IReadOnlyList<string> prefixes, CancellationToken cancellationToken = default);

    /// <summary>Drops expired authorizations and sign-ins, and code records older than <paramref name="usedCodesBefore"/>.</summary>
    Task PurgeAsync(DateTimeOffset now, DateTimeOffset usedCodesBefore, CancellationToken cancellationToken = default);
}
