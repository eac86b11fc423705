using System.Security.Cryptography;

namespace WxHub.Emulator.Api;

/// <summary>
/// An error WeChat reports in the body (<c>{"errcode", "errmsg"}</c>, HTTP 200). Thrown by the guards and handlers
/// and turned into the response by the API pipeline, so that a handler reads as its happy path.
/// </summary>
internal sealed class WeChatError(int code, string? detail = null) : Exception(WeChatErrors.Text(code))
{
    public int Code { get; } = code;

    /// <summary>The errmsg as WeChat writes it: the text, any detail, then a trace id.</summary>
    public string ErrMsg => WeChatErrors.WithRid(detail ?? WeChatErrors.Text(Code));
}

/// <summary>The error codes the emulator answers with, and WeChat's English errmsg for each.</summary>
internal static class WeChatErrors
{
    public const int SystemError = -1;
    public const int InvalidCredential = 40001;
    public const int InvalidGrantType = 40002;
    public const int InvalidOpenId = 40003;
    public const int InvalidMediaType = 40004;
    public const int InvalidMediaId = 40007;
    public const int InvalidMessageType = 40008;
    public const int InvalidAppId = 40013;
    public const int InvalidAccessToken = 40014;
    public const int InvalidCode = 40029;
    public const int InvalidRefreshToken = 40030;
    public const int InvalidTemplateId = 40037;
    public const int InvalidArgs = 40097;
    public const int InvalidAppSecret = 40125;
    public const int CodeUsed = 40163;
    public const int IpNotInWhitelist = 40164;
    public const int CountLimitExceeded = 40170;
    public const int AccessTokenMissing = 41001;
    public const int AppIdMissing = 41002;
    public const int AppSecretMissing = 41004;
    public const int MediaDataMissing = 41005;
    public const int CodeMissing = 41008;
    public const int AccessTokenExpired = 42001;
    public const int RefreshTokenExpired = 42002;
    public const int CodeExpired = 42003;
    public const int RequirePost = 43002;
    public const int RequireSubscribe = 43004;
    public const int DailyQuota = 45009;
    public const int MinuteQuota = 45011;
    public const int OutOfResponseWindow = 45015;
    public const int TooManyMessages = 45047;
    public const int DataFormatError = 47001;
    public const int ApiUnauthorized = 48001;
    public const int ClearQuotaLimit = 48006;
    public const int ComponentNotAuthorized = 61003;
    public const int ComponentIpNotRegistered = 61004;
    public const int ComponentTicketExpired = 61005;
    public const int ComponentTicketInvalid = 61006;
    public const int AuthCodeExpired = 61010;
    public const int InvalidComponent = 61011;
    public const int MustUseComponentToken = 61014;
    public const int MustUseAccountToken = 61015;
    public const int AuthorizerRefreshTokenInvalid = 61023;
    public const int ComponentMustUseComponentApi = 61024;

    public static string Text(int code) => code switch
    {
        SystemError => "system error",
        0 => "ok",
        InvalidCredential => "invalid credential, access_token is invalid or not latest",
        InvalidGrantType => "invalid grant_type",
        InvalidOpenId => "invalid openid",
        InvalidMediaType => "invalid media type",
        InvalidMediaId => "invalid media_id",
        InvalidMessageType => "invalid message type",
        InvalidAppId => "invalid appid",
        InvalidAccessToken => "invalid access_token",
        InvalidCode => "invalid code",
        InvalidRefreshToken => "invalid refresh_token",
        InvalidTemplateId => "invalid template_id",
        InvalidArgs => "invalid args",
        InvalidAppSecret => "invalid appsecret",
        CodeUsed => "code been used",
        IpNotInWhitelist => "invalid ip, not in whitelist",
        CountLimitExceeded => "args count exceed count limit",
        AccessTokenMissing => "access_token missing",
        AppIdMissing => "appid missing",
        AppSecretMissing => "appsecret missing",
        MediaDataMissing => "media data missing",
        CodeMissing => "missing code",
        AccessTokenExpired => "access_token expired",
        RefreshTokenExpired => "refresh_token expired",
        CodeExpired => "code expired",
        RequirePost => "require POST method",
        RequireSubscribe => "require subscribe",
        DailyQuota => "reach max api daily quota limit",
        MinuteQuota => "api minute-quota reach limit, must slower, retry next minute",
        OutOfResponseWindow => "response out of time limit or subscription is canceled",
        TooManyMessages => "out of response count limit",
        DataFormatError => "data format error",
        ApiUnauthorized => "api unauthorized",
        ClearQuotaLimit => "forbid to clear quota because of reaching the limit",
        ComponentNotAuthorized => "component is not authorized by this account",
        ComponentIpNotRegistered => "access clientip is not registered",
        ComponentTicketExpired => "component ticket is expired",
        ComponentTicketInvalid => "component ticket is invalid",
        AuthCodeExpired => "code is expired",
        InvalidComponent => "invalid component",
        MustUseComponentToken => "must use component token for component api",
        MustUseAccountToken => "must use authorizer access_token, not component token",
        AuthorizerRefreshTokenInvalid => "refresh_token is invalid",
        ComponentMustUseComponentApi => "must use api(api_component_token) to get token for component acct",
        _ => "error",
    };

    /// <summary>Appends a trace id shaped like WeChat's (<c>rid: 65f307bc-1a5c7d64-18ff931f</c>) so that clients cannot match errmsg exactly.</summary>
    public static string WithRid(string text)
    {
        Span<byte> bytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(bytes);
        var hex = Convert.ToHexStringLower(bytes);
        return $"{text}, rid: {hex[..8]}-{hex[8..16]}-{hex[16..]}";
    }
}
