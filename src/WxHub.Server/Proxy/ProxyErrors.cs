using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using WxHub.Core.Access;
using WxHub.Core.Credentials;
using WxHub.Protocol.Errors;
using WxHub.Server.Http;

namespace WxHub.Server.Proxy;

/// <summary>
/// What the proxy answers when it does not forward a call: WxHub's error shape and WeChat's <c>errcode</c>/<c>errmsg</c>
/// in one body, so that WxHub's clients and unmodified WeChat SDKs both understand it.
/// </summary>
public sealed record ProxyErrorBody(
    [property: JsonPropertyName("errcode")] int ErrCode,
    [property: JsonPropertyName("errmsg")] string ErrMsg,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("message")] string Message);

/// <summary>WeChat's token answer: <c>{"access_token", "expires_in"}</c>.</summary>
public sealed record WeChatTokenBody(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn)
{
    public override string ToString() => $"WeChatTokenBody {{ ExpiresIn = {ExpiresIn} }}";
}

/// <summary>The body of <c>POST /cgi-bin/stable_token</c>.</summary>
public sealed record StableTokenBody(
    [property: JsonPropertyName("grant_type")] string? GrantType,
    [property: JsonPropertyName("appid")] string? Appid,
    [property: JsonPropertyName("secret")] string? Secret,
    [property: JsonPropertyName("force_refresh")] bool? ForceRefresh)
{
    public override string ToString() => $"StableTokenBody {{ Appid = {Appid} }}";
}

public static class ProxyErrors
{
    /// <summary>WeChat's "invalid args", the nearest it has to "this is not a path I serve".</summary>
    public const int InvalidArgs = 40097;

    public static IResult Create(int status, string error, int errcode, string message) =>
        new CountedRefusal(Results.Json(new ProxyErrorBody(errcode, message, error, message), ProxyJsonContext.Default.ProxyErrorBody, statusCode: status), status, error);

    /// <summary>
    /// An error as WeChat gives it, with HTTP 200: what SDKs fetching tokens and retrying on 40001 act on. They report
    /// other statuses with the request URL, which on the token path carries the API key.
    /// </summary>
    public static IResult WeChatStyle(string error, int errcode, string message) => Create(StatusCodes.Status200OK, error, errcode, message);

    public static IResult AppNotVisible(string appid) => Create(StatusCodes.Status404NotFound, "app_not_found", WeChatErrorCodes.InvalidAppId,
        $"No app '{appid}' is visible to this API key through the proxy. Check the appid, or ask an operator to register the app or widen the key (scope '{ApiScopes.Proxy}').");

    public static IResult RateLimited(HttpContext http, RateLimitRefusal refusal)
    {
        if (refusal.RetryAfter is { } wait)
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Create(StatusCodes.Status429TooManyRequests, "rate_limited", WeChatErrorCodes.MinuteQuotaExceeded,
            $"The proxy's call limit for the {refusal.Budget} is reached; slow down and retry after the Retry-After seconds. Operators set it in Proxy:PerApp and Proxy:PerKey.");
    }

    /// <summary>WxHub cannot obtain the credential: 503 (404 for an app that is not registered), with WeChat's errcode when it said one.</summary>
    public static IResult Fault(CredentialFault fault) => fault.Error == CredentialFault.AppNotFound
        ? Create(StatusCodes.Status404NotFound, fault.Error, WeChatErrorCodes.InvalidAppId, fault.Message)
        : Create(StatusCodes.Status503ServiceUnavailable, fault.Error, fault.ErrCode ?? WeChatErrorCodes.SystemBusy, fault.Message);
}

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(ProxyErrorBody))]
[JsonSerializable(typeof(WeChatTokenBody))]
[JsonSerializable(typeof(StableTokenBody))]
internal sealed partial class ProxyJsonContext : JsonSerializerContext;
