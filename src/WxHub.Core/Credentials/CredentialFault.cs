using WxHub.Core.WeChat;
using WxHub.Protocol.Errors;

namespace WxHub.Core.Credentials;

/// <summary>
/// Why a credential cannot be obtained right now, in words an operator can act on, and when WxHub tries again.
/// <see cref="Error"/> is the business API's error code; <see cref="ErrCode"/> is WeChat's, when WeChat said one.
/// </summary>
public sealed record CredentialFault(string Error, string Message, int? ErrCode, DateTimeOffset Since, DateTimeOffset RetryAt)
{
    /// <summary>The app was removed while its credential was being read.</summary>
    public const string AppNotFound = "app_not_found";
}

/// <summary>Turns a failed call to WeChat into a <see cref="CredentialFault"/> with a backoff fitting its cause.</summary>
internal static class FaultPolicy
{
    public static CredentialFault For(
        CredentialKey key,
        UpstreamFailure failure,
        int consecutiveFailures,
        DateTimeOffset now,
        DateTimeOffset quotaReset,
        CredentialOptions options)
    {
        var transient = Backoff(options.TransientBackoff, options.MaxTransientBackoff, consecutiveFailures);
        var operatorFix = Backoff(options.OperatorBackoff, options.MaxOperatorBackoff, consecutiveFailures);
        var what = $"WxHub cannot obtain the {Describe(key.Kind)} of {key.Appid}.";

        switch (failure.Kind)
        {
            case UpstreamFailureKind.QuotaSpent:
                return new("quota_exhausted", $"{what} {failure.Detail} The count restarts at {quotaReset:yyyy-MM-dd HH:mm} UTC.", null, now, quotaReset);
            case UpstreamFailureKind.Unreachable:
                return new("wechat_unreachable", $"{what} {failure.Detail}", null, now, now + transient);
            case UpstreamFailureKind.MalformedAnswer:
                return new("wechat_error", $"{what} {failure.Detail}", null, now, now + transient);
        }

        var code = failure.ErrCode ?? WeChatErrorCodes.SystemBusy;
        var info = WeChatErrorCatalog.Describe(code, failure.Detail);
        var said = $"{what} WeChat answered {code} ({info.Meaning}). {info.OperatorAction}";
        if (!string.IsNullOrWhiteSpace(failure.Detail)) said += $" WeChat said: \"{failure.Detail}\".";
        return info.Category switch
        {
            WeChatErrorCategory.Retryable => new("wechat_busy", said, code, now, now + transient),
            WeChatErrorCategory.Quota when code == WeChatErrorCodes.DailyQuotaExceeded =>
                new("quota_exhausted", $"{said} WxHub stops calling until {quotaReset:yyyy-MM-dd HH:mm} UTC.", code, now, quotaReset),
            // 45011 is WeChat's per-minute limit: the next minute is soon enough.
            WeChatErrorCategory.Quota => new("wechat_busy", said, code, now, now + Max(transient, TimeSpan.FromMinutes(1))),
            WeChatErrorCategory.IpWhitelist => new("ip_not_whitelisted", said, code, now, now + operatorFix),
            WeChatErrorCategory.RiskConfirmation => new("admin_confirmation_required", said, code, now, now + operatorFix),
            // On a token fetch, 40001 means the AppSecret is wrong rather than a token being stale.
            WeChatErrorCategory.BadCredentials or WeChatErrorCategory.TokenInvalid => new("invalid_app_credentials", said, code, now, now + operatorFix),
            _ => new("wechat_error", said, code, now, now + operatorFix),
        };
    }

    public static string Describe(CredentialKind kind) => kind switch
    {
        CredentialKind.AccessToken => "access token",
        CredentialKind.JsapiTicket => "jsapi ticket",
        CredentialKind.WxCardTicket => "wx_card ticket",
        CredentialKind.ComponentAccessToken => "component access token",
        CredentialKind.ComponentVerifyTicket => "component verify ticket",
        _ => kind.ToString(),
    };

    private static TimeSpan Backoff(TimeSpan first, TimeSpan max, int consecutiveFailures) =>
        TimeSpan.FromTicks(Math.Min(max.Ticks, first.Ticks * (1L << Math.Clamp(consecutiveFailures - 1, 0, 20))));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
