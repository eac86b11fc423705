using System.Text.Json;
using Microsoft.AspNetCore.Http;
using WxHub.Core.Access;
using WxHub.Core.Credentials;
using WxHub.Protocol.Errors;
using WxHub.Server.Http;

namespace WxHub.Server.Proxy;

/// <summary>
/// <c>/cgi-bin/token</c> and <c>/cgi-bin/stable_token</c> at the proxy base, for SDKs that fetch their own token: a
/// WxHub API key stands in for the AppSecret and the answer is the token WxHub manages, in WeChat's shape. Nothing here
/// makes WeChat issue a token (<c>force_refresh</c> is ignored); a token WeChat refuses is replaced by the proxy.
/// Answers are HTTP 200 as WeChat's are, errors included: SDKs act on errcode in a 200 and report any other status
/// together with the request URL, which here carries the API key.
/// </summary>
public sealed class TokenCompatibility(ApiKeyAuthenticator keys, IProxyCredentialResolver resolver, ICredentialProvider credentials, TimeProvider time)
{
    private const string GrantType = "client_credential";
    private const int MaxBodyBytes = 4 * 1024;

    /// <summary><c>GET /cgi-bin/token?grant_type=client_credential&amp;appid=APPID&amp;secret=API_KEY</c>.</summary>
    public Task<IResult> TokenAsync(string appid, HttpRequest request) =>
        AnswerAsync(appid, request.Query["grant_type"], request.Query["appid"], request.Query["secret"], request);

    /// <summary><c>POST /cgi-bin/stable_token</c> with <c>{"grant_type", "appid", "secret": API_KEY, "force_refresh"}</c>.</summary>
    public async Task<IResult> StableTokenAsync(string appid, HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method))
            return ProxyErrors.WeChatStyle("method_not_allowed", WeChatErrorCodes.RequirePost, "stable_token takes POST with a JSON body.");
        var bytes = await BoundedBody.ReadAsync(request.Body, request.ContentLength, MaxBodyBytes, request.HttpContext.RequestAborted);
        StableTokenBody? body = null;
        try
        {
            if (bytes is { } json) body = JsonSerializer.Deserialize(json.AsSpan(), ProxyJsonContext.Default.StableTokenBody);
        }
        catch (JsonException)
        {
        }
        if (body is null)
        {
            return ProxyErrors.WeChatStyle("invalid_json", WeChatErrorCodes.DataFormatError,
                $"Send a JSON object of at most {MaxBodyBytes} bytes: {{\"grant_type\":\"{GrantType}\",\"appid\":\"{appid}\",\"secret\":\"<WxHub API key>\"}}.");
        }
        return await AnswerAsync(appid, body.GrantType, body.Appid, body.Secret, request);
    }

    private async Task<IResult> AnswerAsync(string appid, string? grantType, string? claimedAppid, string? secret, HttpRequest request)
    {
        var cancellation = request.HttpContext.RequestAborted;
        if (grantType != GrantType)
            return ProxyErrors.WeChatStyle("invalid_request", WeChatErrorCodes.InvalidGrantType, $"grant_type must be '{GrantType}'.");
        if (!string.IsNullOrEmpty(claimedAppid) && claimedAppid != appid)
            return ProxyErrors.WeChatStyle("invalid_request", WeChatErrorCodes.InvalidAppId, $"The appid '{claimedAppid}' differs from the one in the base URL ({ProxyTarget.Prefix}{appid}).");

        var presented = string.IsNullOrEmpty(secret) ? AccessFilters.PresentedKey(request) : secret;
        if (presented is null)
            return ProxyErrors.WeChatStyle("unauthorized", WeChatErrorCodes.AppSecretMissing, "Put a WxHub API key where the SDK sends the AppSecret.");
        var key = await keys.AuthenticateAsync(presented, cancellation);
        if (key is null)
            return ProxyErrors.WeChatStyle("unauthorized", WeChatErrorCodes.InvalidAppSecret, "The secret must be a WxHub API key (wxk_...) that is not revoked; the app's AppSecret stays in WxHub.");
        if (!await key.AllowsAsync(appid, ApiScopes.AccessToken, request.HttpContext))
            return ProxyErrors.WeChatStyle("app_not_found", WeChatErrorCodes.InvalidAppId, $"No app '{appid}' is visible to this API key with the '{ApiScopes.AccessToken}' scope.");

        var credential = await resolver.ResolveAsync(appid, Core.WeChat.WeChatEndpoints.Token, cancellation);
        var lookup = await credentials.GetAsync(credential.Key, cancellation);
        if (!lookup.Found)
        {
            var fault = lookup.Fault;
            return ProxyErrors.WeChatStyle(fault.Error, fault.Error == CredentialFault.AppNotFound ? WeChatErrorCodes.InvalidAppId : fault.ErrCode ?? WeChatErrorCodes.SystemBusy, fault.Message);
        }
        var secondsLeft = (long)Math.Floor((lookup.Credential.ExpiresAt - time.GetUtcNow()).TotalSeconds);
        return Results.Json(new WeChatTokenBody(lookup.Credential.Value, secondsLeft), ProxyJsonContext.Default.WeChatTokenBody);
    }
}
