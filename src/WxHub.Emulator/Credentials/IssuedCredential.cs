using WxHub.Emulator.Api;

namespace WxHub.Emulator.Credentials;

internal enum CredentialKind
{
    AccessToken,
    StableAccessToken,
    AuthorizerAccessToken,
    ComponentAccessToken,
    JsApiTicket,
    CardTicket,
    OAuthAccessToken,
}

/// <summary>A token or ticket the emulator handed out, with when it stops working and why.</summary>
internal sealed class IssuedCredential(string value, CredentialKind kind, string appId, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
{
    public string Value { get; } = value;
    public CredentialKind Kind { get; } = kind;

    /// <summary>The app the credential acts for: the account, the authorizer, or the platform for a component token.</summary>
    public string AppId { get; } = appId;

    public DateTimeOffset IssuedAt { get; } = issuedAt;

    /// <summary>Moves only for OAuth tokens, which a refresh extends.</summary>
    public DateTimeOffset ExpiresAt { get; set; } = expiresAt;

    /// <summary>When a newer credential or a revocation retires this one; from then on it gives 40001.</summary>
    public DateTimeOffset? RetiredAt { get; private set; }

    public void RetireAt(DateTimeOffset when)
    {
        if (RetiredAt is null || when < RetiredAt) RetiredAt = when;
    }

    public bool IsUsable(DateTimeOffset now) => Problem(now) is null;

    /// <summary>Replaced or revoked gives 40001; past its lifetime gives 42001.</summary>
    public int? Problem(DateTimeOffset now) =>
        RetiredAt <= now ? WeChatErrors.InvalidCredential
        : ExpiresAt <= now ? WeChatErrors.AccessTokenExpired
        : null;

    public int SecondsLeft(DateTimeOffset now) => (int)Math.Max(0, Math.Floor((ExpiresAt - now).TotalSeconds));
}
