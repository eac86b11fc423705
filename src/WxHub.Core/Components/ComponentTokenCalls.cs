using WxHub.Core.Credentials;
using WxHub.Core.WeChat;
using WxHub.Protocol.Errors;

namespace WxHub.Core.Components;

/// <summary>
/// Calls a platform API with the platform's component access token, and once more with a fresh one when WeChat says
/// the token is no longer good (compare-and-refresh, so many callers reporting one token cost one refresh).
/// </summary>
public sealed class ComponentTokenCalls(ICredentialProvider credentials)
{
    public async Task<Outcome<T>> CallAsync<T>(
        string componentAppid, Func<string, CancellationToken, Task<WeChatCall<T>>> call, CancellationToken cancellationToken) where T : class
    {
        var key = new CredentialKey(componentAppid, CredentialKind.ComponentAccessToken);
        var lookup = await credentials.GetAsync(key, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            if (!lookup.Found) return Unavailable(lookup.Fault);
            var result = await call(lookup.Credential.Value, cancellationToken);
            if (result.Succeeded) return result.Answer;
            if (attempt == 0 && result.Failure.ErrCode is { } errcode && WeChatErrorCatalog.IsTokenInvalid(errcode))
            {
                lookup = await credentials.InvalidateAsync(key, lookup.Credential.Value, cancellationToken);
                continue;
            }
            return Upstream(result.Failure);
        }
    }

    /// <summary>The platform's token cannot be had now (no ticket yet, WeChat unreachable, a backoff).</summary>
    public static Problem Unavailable(CredentialFault fault) => new(ProblemKind.Unavailable, fault.Error, fault.Message, fault.ErrCode);

    /// <summary>A failed WeChat call as a problem an operator can act on.</summary>
    public static Problem Upstream(UpstreamFailure failure)
    {
        if (failure.ErrCode is not { } code) return new Problem(ProblemKind.Unavailable, "wechat_unreachable", failure.Detail);
        var info = WeChatErrorCatalog.Describe(code, failure.Detail);
        return new Problem(ProblemKind.Upstream, "wechat_error", $"WeChat answered {code} ({info.Meaning}). {info.OperatorAction}", code);
    }
}
