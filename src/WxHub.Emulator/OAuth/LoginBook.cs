using WxHub.Emulator.Api;
using WxHub.Emulator.Credentials;

namespace WxHub.Emulator.OAuth;

internal enum LoginCodeKind
{
    /// <summary>From an approve page (web OAuth, QR login), exchanged at /sns/oauth2/access_token.</summary>
    OAuth,

    /// <summary>A mini program's wx.login code, exchanged at /sns/jscode2session.</summary>
    JsCode,
}

/// <summary>A single-use code that a user's consent produced.</summary>
internal sealed class LoginCode
{
    public required string Code { get; init; }
    public required LoginCodeKind Kind { get; init; }
    public required string AppId { get; init; }
    public string? ComponentAppId { get; init; }
    public required string UserId { get; init; }
    public required string OpenId { get; init; }
    public required string Scope { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public bool Used { get; set; }
}

/// <summary>A user's OAuth consent to an app: a 30-day refresh token and the current user access token.</summary>
internal sealed class OAuthGrant
{
    public static readonly TimeSpan RefreshLifetime = TimeSpan.FromDays(30);

    public required string AppId { get; init; }
    public string? ComponentAppId { get; init; }
    public required string UserId { get; init; }
    public required string OpenId { get; init; }
    public required string Scope { get; init; }
    public required string RefreshToken { get; init; }
    public required DateTimeOffset RefreshExpiresAt { get; init; }
    public required IssuedCredential AccessToken { get; set; }
}

/// <summary>Login codes and OAuth grants. Callers hold the state lock.</summary>
internal sealed class LoginBook
{
    /// <summary>An unused code expires after 5 minutes (the QR-login page says 10; the stricter 5 applies to all).</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, LoginCode> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OAuthGrant> _byRefreshToken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OAuthGrant> _byAccessToken = new(StringComparer.Ordinal);

    public LoginCode IssueCode(LoginCodeKind kind, string appId, string? componentAppId, string userId, string openId, string scope, DateTimeOffset now)
    {
        var code = new LoginCode
        {
            Code = CredentialBook.Base64Url(24),
            Kind = kind,
            AppId = appId,
            ComponentAppId = componentAppId,
            UserId = userId,
            OpenId = openId,
            Scope = scope,
            ExpiresAt = now + CodeLifetime,
        };
        _codes[code.Code] = code;
        return code;
    }

    /// <summary>Uses a code up: 40029 unknown (or another app's, or from the other flow), 40163 used, 42003 expired.</summary>
    public LoginCode Redeem(string? value, LoginCodeKind kind, string appId, string? componentAppId, DateTimeOffset now)
    {
        if (value is null) throw new WeChatError(WeChatErrors.CodeMissing);
        if (!_codes.TryGetValue(value, out var code) || code.Kind != kind || code.AppId != appId || code.ComponentAppId != componentAppId)
            throw new WeChatError(WeChatErrors.InvalidCode);
        if (code.Used) throw new WeChatError(WeChatErrors.CodeUsed);
        if (code.ExpiresAt <= now) throw new WeChatError(WeChatErrors.CodeExpired);
        code.Used = true;
        return code;
    }

    public OAuthGrant Grant(LoginCode code, IssuedCredential accessToken, DateTimeOffset now)
    {
        var grant = new OAuthGrant
        {
            AppId = code.AppId,
            ComponentAppId = code.ComponentAppId,
            UserId = code.UserId,
            OpenId = code.OpenId,
            Scope = code.Scope,
            RefreshToken = CredentialBook.NewValue(),
            RefreshExpiresAt = now + OAuthGrant.RefreshLifetime,
            AccessToken = accessToken,
        };
        _byRefreshToken[grant.RefreshToken] = grant;
        _byAccessToken[accessToken.Value] = grant;
        return grant;
    }

    /// <summary>40030 unknown (or another app's, or from the other flow), 42002 past its 30 days.</summary>
    public OAuthGrant ByRefreshToken(string? value, string appId, string? componentAppId, DateTimeOffset now)
    {
        if (value is null || !_byRefreshToken.TryGetValue(value, out var grant) || grant.AppId != appId || grant.ComponentAppId != componentAppId)
            throw new WeChatError(WeChatErrors.InvalidRefreshToken);
        if (grant.RefreshExpiresAt <= now) throw new WeChatError(WeChatErrors.RefreshTokenExpired);
        return grant;
    }

    public void Reissue(OAuthGrant grant, IssuedCredential accessToken)
    {
        grant.AccessToken = accessToken;
        _byAccessToken[accessToken.Value] = grant;
    }

    public OAuthGrant? ByAccessToken(string value) => _byAccessToken.GetValueOrDefault(value);
}
