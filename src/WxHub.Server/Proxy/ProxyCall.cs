using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using WxHub.Core.Access;
using WxHub.Core.Credentials;
using WxHub.Protocol.Errors;
using WxHub.Server.Http;

namespace WxHub.Server.Proxy;

/// <summary>
/// One call to <c>/wechat-api/{appid}/{path}</c>: who may make it, whether the limits allow it, which credential it
/// carries. A caller proves itself with an API key (header), or, as SDKs that fetched their token from the proxy do,
/// with the app's current access token: whoever holds it could call WeChat directly anyway.
/// </summary>
public sealed class ProxyCall(
    ApiKeyAuthenticator keys,
    ProxyRateLimiter limits,
    IProxyCredentialResolver resolver,
    ICredentialProvider credentials,
    WeChatProxy proxy)
{
    public async Task<IResult> HandleAsync(string appid, HttpContext http)
    {
        var cancellation = http.RequestAborted;
        var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path + http.Request.QueryString;
        if (!ProxyTarget.TryParse(rawTarget, appid, out var target, out var problem))
            return ProxyErrors.Create(StatusCodes.Status400BadRequest, "invalid_path", ProxyErrors.InvalidArgs, problem);

        ApiKey? key = null;
        if (AccessFilters.PresentedKey(http.Request) is { } presented)
        {
            key = await keys.AuthenticateAsync(presented, cancellation);
            if (key is null)
                return ProxyErrors.Create(StatusCodes.Status401Unauthorized, "unauthorized", WeChatErrorCodes.InvalidCredential,
                    "The WxHub API key is unknown or revoked; keys are created with POST /v1/admin/keys.");
        }
        else if (target.CallerToken is null)
        {
            return ProxyErrors.Create(StatusCodes.Status401Unauthorized, "unauthorized", WeChatErrorCodes.AccessTokenMissing,
                $"Send a WxHub API key as 'Authorization: Bearer <key>' or '{AccessFilters.KeyHeader}: <key>', or the access_token fetched from {ProxyTarget.Prefix}{appid}/cgi-bin/token.");
        }

        var credential = await resolver.ResolveAsync(appid, target.Path, cancellation);
        if (key is not null && !await key.AllowsAsync(appid, ApiScopes.Proxy, http, credential.ComponentAppid)) return ProxyErrors.AppNotVisible(appid);
        var lookup = await credentials.GetAsync(credential.Key, cancellation);
        // Checked before the limits, so that strangers cannot spend an app's budget.
        if (key is null && !(lookup.Found && SameToken(lookup.Credential.Value, target.CallerToken!)))
        {
            return ProxyErrors.WeChatStyle("stale_access_token", WeChatErrorCodes.InvalidCredential,
                $"This access_token is not the one WxHub holds for the app now: fetch it again from {ProxyTarget.Prefix}{appid}/cgi-bin/token with your API key as the secret.");
        }
        if (limits.TryAcquire(appid, key?.Id) is { } refusal) return ProxyErrors.RateLimited(http, refusal);
        if (!lookup.Found) return ProxyErrors.Fault(lookup.Fault);

        return await proxy.ForwardAsync(http, target, credential, lookup.Credential.Value, cancellation);
    }

    private static bool SameToken(string held, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(held), Encoding.UTF8.GetBytes(presented));
}
