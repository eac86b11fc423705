using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using static WxHub.Protocol.Errors.WeChatErrorCategory;
using static WxHub.Protocol.Errors.WeChatErrorCodes;

namespace WxHub.Protocol.Errors;

/// <summary>
/// Every <c>errcode</c> of the protocol reference, classified and explained for an operator. Decide on the code,
/// never on <c>errmsg</c> (its wording varies and carries a trace suffix).
/// </summary>
public static partial class WeChatErrorCatalog
{
    private const string RetryOnceAfterRefresh = "Refresh the access_token (normal mode, not force_refresh) and retry the call once.";
    private const string ReportBug = "WxHub or the calling service sent a wrong request; report it as a bug with the call that failed.";
    private const string UserMustSignInAgain = "Nothing to fix on the server: the user must sign in (authorize) again to get a fresh code.";
    private const string UserMustReauthorize = "Nothing to fix on the server: the user must go through web authorization again.";
    private const string WaitForTicket =
        "Wait for the next component_verify_ticket push (every 10 minutes) or call api_start_push_ticket; check that the " +
        "authorization event URL is reachable and answers 'success'.";
    private const string ThisServersIp = "this server's outbound IP";

    private static readonly FrozenDictionary<int, WeChatErrorInfo> Entries = new WeChatErrorInfo[]
    {
        new(SystemBusy, Retryable, "WeChat reported a system error (busy).", "Retry with backoff; if it lasts for minutes, WeChat has an outage."),
        new(Ok, Success, "Success.", "None."),
        new(InvalidCredential, TokenInvalid,
            "The access_token is invalid or no longer the latest (a newer one replaced it, or it was forced out); when fetching a token, the AppSecret is wrong or belongs to another account.",
            RetryOnceAfterRefresh + " If the token endpoint itself answers 40001, correct the AppSecret configured in WxHub."),
        new(InvalidGrantType, BadRequest, "grant_type is not client_credential.", ReportBug),
        new(InvalidOpenId, BadRequest, "The openid is invalid or belongs to another account.", "Check that the openid was obtained for this account (openids differ per account)."),
        new(InvalidMediaId, BadRequest, "The media_id is unknown or has expired (temporary media lasts 3 days).", "Upload the media again and use the new media_id."),
        new(InvalidAppId, BadCredentials, "The AppID is invalid or unknown (AppIDs are case-sensitive).", "Correct the AppID configured in WxHub."),
        new(InvalidAccessToken, TokenInvalid, "The access_token is malformed or unknown.", RetryOnceAfterRefresh),
        new(InvalidCode, CodeInvalid, "The OAuth or login code is invalid (unknown, expired, or issued to another app).", UserMustSignInAgain),
        new(InvalidRefreshToken, AuthorizationRevoked, "The OAuth refresh_token is invalid.", UserMustReauthorize),
        new(InvalidTemplateId, BadRequest, "The template_id is invalid.", "Check the template id in the account's template library."),
        new(InvalidAppSecret, BadCredentials, "The AppSecret is invalid.",
            "Correct the AppSecret configured in WxHub (reset it in the WeChat admin console if nobody has it)."),
        new(CodeBeenUsed, CodeInvalid, "The code has already been used; codes are single-use.", UserMustSignInAgain),
        new(IpNotWhitelisted, IpWhitelist, "This server's IP address is not in the account's IP whitelist.", AccountWhitelist(ThisServersIp)),
        new(CountLimitExceeded, BadRequest, "Too many items were requested in one call.", ReportBug),
        new(HighRiskUserBlocked, Other, "WeChat blocked this user as high-risk.", "Nothing to fix on the server; the user cannot sign in for now."),
        new(AccessTokenMissing, BadRequest, "The access_token parameter is missing.", ReportBug),
        new(AppIdMissing, BadRequest, "The appid parameter is missing.", "Configure the AppID in WxHub; if it is configured, " + ReportBug),
        new(AppSecretMissing, BadRequest, "The AppSecret parameter is missing.", "Configure the AppSecret in WxHub; if it is configured, " + ReportBug),
        new(AccessTokenExpired, TokenInvalid, "The access_token has expired.", RetryOnceAfterRefresh),
        new(RefreshTokenExpired, AuthorizationRevoked, "The OAuth refresh_token has expired (it lasts 30 days).", UserMustReauthorize),
        new(CodeExpired, CodeInvalid, "The code has expired (an unused code lasts 5 minutes).", UserMustSignInAgain),
        new(UserChangedPassword, AuthorizationRevoked, "The user changed their password, which revoked their OAuth tokens.", UserMustReauthorize),
        new(RequirePost, BadRequest, "This API requires POST.", ReportBug),
        new(RecipientMustFollow, Other, "The recipient must follow the account.", "Nothing to fix on the server: the user does not follow the account."),
        new(UserRefusesMessages, Other, "The user has turned off these messages.", "Nothing to fix on the server: respect the user's choice."),
        new(DailyQuotaExceeded, Quota, "The daily call quota of this API is used up.",
            "Cut calls (cache tokens and tickets); if it is urgent, reset the quota with clear_quota (10 resets a month). The quota resets daily."),
        new(MinuteQuotaExceeded, Quota, "The per-minute rate limit of this API is reached.", "Back off for at least a minute, then retry."),
        new(OutsideReplyWindow, Other,
            "Outside the customer-service message window (48 hours after the user's last interaction), or the user unfollowed.",
            "Nothing to fix on the server: wait for the user to interact, or use a template message."),
        new(TooManyMessagesToUser, Quota, "Too many customer-service messages were sent to this user in the window.", "Wait for the user to interact again."),
        new(DataFormatError, BadRequest, "The request body is not valid JSON or XML for this API.", ReportBug),
        new(InvalidTemplateArgument, BadRequest, "A template message argument is invalid; errmsg names the field.", "Fix the field errmsg names."),
        new(ApiUnauthorized, Unauthorized, "The account has no permission for this API (account type or verification).",
            "Check the account's type, verification and interface permissions in the WeChat admin console."),
        new(ClearQuotaLimitReached, Quota, "The monthly limit of quota resets (clear_quota) is reached.",
            "Stop resetting until next month and cut calls to this API."),
        new(UserUnauthorized, Unauthorized, "The user or account is not authorized for this API.",
            "Check the account's interface permissions, or that the user granted the needed scope."),
        new(UserLimited, Unauthorized, "The account is limited (frozen, banned or cancelled).", "Check the account's status in the WeChat admin console."),
        new(ComponentNotAuthorized, AuthorizationRevoked, "The account has not authorized this third-party platform, or withdrew its authorization.",
            "Ask the account's admin to authorize the platform again."),
        new(ComponentIpNotRegistered, IpWhitelist, "This server's IP address is not in the third-party platform's IP whitelist.", PlatformWhitelist(ThisServersIp)),
        new(ComponentTicketExpired, ComponentTicket, "The component_verify_ticket has expired.", WaitForTicket),
        new(ComponentTicketInvalid, ComponentTicket, "The component_verify_ticket is invalid.", WaitForTicket),
        new(ApiUnauthorizedToComponent, Unauthorized, "The account did not grant this API's permission set to the third-party platform.",
            "Ask the account's admin to authorize again with the needed permissions."),
        new(InvalidComponent, BadCredentials, "The third-party platform (component) AppID is invalid.", "Correct the component AppID configured in WxHub."),
        new(ComponentTokenRequired, BadRequest, "A component API was called with an account token instead of the component_access_token.", ReportBug),
        new(AccountTokenRequired, BadRequest, "An account API was called with the component_access_token instead of an (authorizer) access_token.", ReportBug),
        new(AuthorizerRefreshTokenInvalid, AuthorizationRevoked,
            "The authorizer_refresh_token is invalid (revoked, or replaced by a new authorization).",
            "Recover the current refresh token from api_get_authorizer_list, or ask the account's admin to authorize again."),
        new(ComponentMustUseComponentToken, BadRequest,
            "A third-party platform AppID called /cgi-bin/token; platforms get their token from api_component_token.",
            "Configure this AppID in WxHub as a third-party platform, not as an account."),
        new(RiskConfirmationPending, RiskConfirmation, "Calls from this IP are waiting for the admin's confirmation.",
            "Ask the account's admin to confirm the notice WeChat sent them, then retry; whitelisting the IP avoids this."),
        new(RiskConfirmationRequired, RiskConfirmation, "Calls from this IP need the admin's confirmation; WeChat has sent the admin a notice.",
            "Ask the account's admin to approve the notice in WeChat, then retry; whitelisting the IP avoids this."),
        new(RiskRejectedTwice, RiskConfirmation, "The admin refused calls from this IP twice within 24 hours; they are blocked for 24 hours.",
            "Stop calling from this IP for 24 hours and find out why the admin refused."),
        new(RiskRejectedOnce, RiskConfirmation, "The admin refused calls from this IP; they are blocked for 1 hour.",
            "Stop calling from this IP for an hour and find out why the admin refused."),
        new(MalformedResponse, Retryable, "The response was not a WeChat JSON object (a code of WxHub's own; WeChat never sends it).",
            "Retry; if it persists, check the configured WeChat API base URL and any proxy in between."),
    }.ToFrozenDictionary(info => info.Code);

    /// <summary>Every catalogued code.</summary>
    public static IEnumerable<WeChatErrorInfo> All => Entries.Values.OrderBy(info => info.Code);

    /// <summary>The catalogue entry for <paramref name="errcode"/>, or an <see cref="Other"/> entry for an unknown code.</summary>
    public static WeChatErrorInfo Describe(int errcode) =>
        Entries.TryGetValue(errcode, out var info)
            ? info
            : new WeChatErrorInfo(errcode, Other,
                string.Create(CultureInfo.InvariantCulture, $"WeChat error {errcode}, which WxHub does not know; errmsg describes it."),
                "Look the code up in WeChat's global error-code list and act on errmsg.");

    /// <summary>
    /// As <see cref="Describe(int)"/>, with the operator action made specific by <paramref name="errmsg"/> where it helps:
    /// for an IP whitelist error it names the IP WeChat saw.
    /// </summary>
    public static WeChatErrorInfo Describe(int errcode, string? errmsg)
    {
        var info = Describe(errcode);
        if (info.Category != IpWhitelist || ExtractWhitelistIp(errmsg) is not { } ip)
        {
            return info;
        }
        var seen = $"{ip} ({ThisServersIp} as WeChat sees it)";
        return info with { OperatorAction = errcode == IpNotWhitelisted ? AccountWhitelist(seen) : PlatformWhitelist(seen) };
    }

    /// <summary>True for the codes that mean "refresh the access token and retry": 40001, 40014, 42001.</summary>
    public static bool IsTokenInvalid(int errcode) => Describe(errcode).Category == TokenInvalid;

    /// <summary>
    /// The IP address an IP whitelist error names, e.g. <c>111.50.94.9</c> from
    /// <c>invalid ip 111.50.94.9 ipv6 ::ffff:111.50.94.9, not in whitelist, rid: …</c>; null when there is none.
    /// </summary>
    public static string? ExtractWhitelistIp(string? errmsg)
    {
        if (string.IsNullOrEmpty(errmsg))
        {
            return null;
        }
        foreach (Match match in IpAfterKeyword().Matches(errmsg))
        {
            if (IPAddress.TryParse(match.Groups["ip"].ValueSpan, out var address))
            {
                return address.ToString();
            }
        }
        return null;
    }

    private static string AccountWhitelist(string ip) =>
        $"Add {ip} to the account's IP whitelist in the WeChat admin console (Official Account: Settings and " +
        "Development > Basic Configuration); changes take a few minutes to apply.";

    private static string PlatformWhitelist(string ip) =>
        $"Add {ip} to the third-party platform's IP whitelist on open.weixin.qq.com (the platform's development " +
        "settings); changes take a few minutes to apply.";

    // "ip" (as in "invalid ip", "clientip", "requestIP:") followed by a dotted IPv4 address or something with a colon (IPv6).
    [GeneratedRegex(@"ip:?\s*(?<ip>\d{1,3}(?:\.\d{1,3}){3}(?!\d)|[0-9a-f]*:[0-9a-f:.]*[0-9a-f])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IpAfterKeyword();
}
