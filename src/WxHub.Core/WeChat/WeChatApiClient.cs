using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using WxHub.Core.Diagnostics;
using WxHub.Protocol.Errors;

namespace WxHub.Core.WeChat;

/// <summary>
/// Calls WeChat's credential endpoints. Each attempt is counted against the daily budget, goes through the
/// <see cref="WeChatAccessPoints"/> (failover), and the call is repeated with backoff while WeChat says -1.
/// </summary>
public sealed class WeChatApiClient(
    WeChatAccessPoints accessPoints,
    DailyQuota quota,
    WxHubMetrics metrics,
    IOptions<WeChatApiOptions> options,
    TimeProvider time)
{
    public const string JsapiTicket = "jsapi";
    public const string WxCardTicket = "wx_card";

    /// <summary><c>POST /cgi-bin/stable_token</c>; normal mode returns the current token until its last five minutes.</summary>
    public Task<UpstreamResult> GetStableTokenAsync(string appid, string secret, bool forceRefresh, CancellationToken cancellationToken) =>
        CallAsync(appid, WeChatEndpoints.StableToken, answer => Issue(answer.AccessToken, answer),
            baseUrl => new HttpRequestMessage(HttpMethod.Post, WeChatAccessPoints.Url(baseUrl, WeChatEndpoints.StableToken, ""))
            {
                Content = JsonContent.Create(new StableTokenRequest("client_credential", appid, secret, forceRefresh), WeChatApiJsonContext.Default.StableTokenRequest),
            },
            cancellationToken);

    /// <summary><c>GET /cgi-bin/token</c>: every call issues a new token; the previous one lives five more minutes.</summary>
    public Task<UpstreamResult> GetTokenAsync(string appid, string secret, CancellationToken cancellationToken) =>
        CallAsync(appid, WeChatEndpoints.Token, answer => Issue(answer.AccessToken, answer),
            baseUrl => new HttpRequestMessage(HttpMethod.Get, WeChatAccessPoints.Url(baseUrl, WeChatEndpoints.Token,
                $"?grant_type=client_credential&appid={Uri.EscapeDataString(appid)}&secret={Uri.EscapeDataString(secret)}")),
            cancellationToken);

    /// <summary><c>GET /cgi-bin/ticket/getticket</c> for <see cref="JsapiTicket"/> or <see cref="WxCardTicket"/>.</summary>
    public Task<UpstreamResult> GetTicketAsync(string appid, string accessToken, string type, CancellationToken cancellationToken) =>
        CallAsync(appid, WeChatEndpoints.GetTicket, answer => Issue(answer.Ticket, answer),
            baseUrl => new HttpRequestMessage(HttpMethod.Get, WeChatAccessPoints.Url(baseUrl, WeChatEndpoints.GetTicket,
                $"?access_token={Uri.EscapeDataString(accessToken)}&type={Uri.EscapeDataString(type)}")),
            cancellationToken);

    private async Task<UpstreamResult> CallAsync(
        string appid,
        string endpoint,
        Func<CredentialAnswer, IssuedCredential?> read,
        Func<Uri, HttpRequestMessage> request,
        CancellationToken cancellationToken)
    {
        var call = await SendAsync(appid, endpoint, request, WeChatApiJsonContext.Default.CredentialAnswer, cancellationToken);
        if (!call.Succeeded) return UpstreamResult.Fail(call.Failure.Kind, call.Failure.ErrCode, call.Failure.Detail);
        return read(call.Answer) is { } issued
            ? UpstreamResult.Success(issued)
            : UpstreamResult.Fail(UpstreamFailureKind.MalformedAnswer, null, $"WeChat's answer to {endpoint} said success but lacked the credential or expires_in.");
    }

    /// <summary>
    /// One logical call to WeChat: counted against <paramref name="appid"/>'s daily budget for the endpoint, failed over
    /// across the access points, repeated with backoff while WeChat says -1, and on success read as
    /// <typeparamref name="T"/>. The credential and third-party platform calls all go through here.
    /// </summary>
    public async Task<WeChatCall<T>> SendAsync<T>(
        string appid, string endpoint, Func<Uri, HttpRequestMessage> request, JsonTypeInfo<T> answer, CancellationToken cancellationToken) where T : class
    {
        var settings = options.Value;
        var delay = settings.BusyRetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            var delivery = await accessPoints.SendAsync(endpoint, request, async ct => await quota.TryConsumeAsync(appid, endpoint, ct)
                ? null
                : $"WxHub has used today's budget of {settings.DailyQuotas.For(endpoint)} calls to {endpoint} for {appid} and stops here so WeChat never answers 45009.",
                cancellationToken);
            if (delivery.Refusal is not null) return new(null, new UpstreamFailure(UpstreamFailureKind.QuotaSpent, null, delivery.Refusal));
            if (delivery.Body is null) return new(null, new UpstreamFailure(UpstreamFailureKind.Unreachable, null, delivery.Problem!));

            var status = delivery.Status;
            if (status.IsSuccess)
            {
                return Read(delivery.Body, answer) is { } value
                    ? new(value, null)
                    : new(null, new UpstreamFailure(UpstreamFailureKind.MalformedAnswer, null, $"WeChat's answer to {endpoint} said success but is not the expected JSON."));
            }
            metrics.UpstreamError(endpoint, status.ErrCode);
            if (status.ErrCode == WeChatErrorCodes.SystemBusy && attempt < settings.BusyRetries)
            {
                await Task.Delay(delay, time, cancellationToken);
                delay *= 2;
                continue;
            }
            if (status.ErrCode == WeChatErrorCodes.DailyQuotaExceeded) quota.MarkSpent(appid, endpoint);
            return new(null, new UpstreamFailure(UpstreamFailureKind.WeChatError, status.ErrCode, status.ErrMsg ?? ""));
        }
    }

    private static T? Read<T>(byte[] body, JsonTypeInfo<T> type) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IssuedCredential? Issue(string? value, CredentialAnswer answer) =>
        string.IsNullOrEmpty(value) || answer.ExpiresIn is not > 0 ? null : new IssuedCredential(value, TimeSpan.FromSeconds(answer.ExpiresIn.Value));
}

internal sealed record StableTokenRequest(
    [property: JsonPropertyName("grant_type")] string GrantType,
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("secret")] string Secret,
    [property: JsonPropertyName("force_refresh")] bool ForceRefresh);

/// <summary>The credential fields of WeChat's token and ticket answers; errcode is read by <see cref="WeChatJson"/>.</summary>
internal sealed record CredentialAnswer(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("ticket")] string? Ticket,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn);

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(StableTokenRequest))]
[JsonSerializable(typeof(CredentialAnswer))]
internal sealed partial class WeChatApiJsonContext : JsonSerializerContext;
