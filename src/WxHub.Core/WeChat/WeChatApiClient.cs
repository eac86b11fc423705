using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxHub.Protocol.Errors;

namespace WxHub.Core.WeChat;

/// <summary>
/// Calls WeChat's credential endpoints. Each call is counted against the daily budget, fails over across the
/// configured access points when one gives no WeChat answer, and is repeated with backoff while WeChat says -1.
/// </summary>
public sealed partial class WeChatApiClient(
    IHttpClientFactory httpClients,
    DailyQuota quota,
    IOptions<WeChatApiOptions> options,
    TimeProvider time,
    ILogger<WeChatApiClient> logger)
{
    public const string HttpClientName = "WeChat";
    public const string JsapiTicket = "jsapi";
    public const string WxCardTicket = "wx_card";

    // The access point that answered last: later calls start there instead of paying for a dead one again.
    private int _preferred;

    /// <summary><c>POST /cgi-bin/stable_token</c>; normal mode returns the current token until its last five minutes.</summary>
    public Task<UpstreamResult> GetStableTokenAsync(string appid, string secret, bool forceRefresh, CancellationToken cancellationToken) =>
        CallAsync(appid, WeChatEndpoints.StableToken, answer => Issue(answer.AccessToken, answer),
            baseUrl => new HttpRequestMessage(HttpMethod.Post, Url(baseUrl, WeChatEndpoints.StableToken, ""))
            {
                Content = JsonContent.Create(new StableTokenRequest("client_credential", appid, secret, forceRefresh), WeChatApiJsonContext.Default.StableTokenRequest),
            },
            cancellationToken);

    /// <summary><c>GET /cgi-bin/token</c>: every call issues a new token; the previous one lives five more minutes.</summary>
    public Task<UpstreamResult> GetTokenAsync(string appid, string secret, CancellationToken cancellationToken) =>
        CallAsync(appid, WeChatEndpoints.Token, answer => Issue(answer.AccessToken, answer),
            baseUrl => new HttpRequestMessage(HttpMethod.Get, Url(baseUrl, WeChatEndpoints.Token,
                $"?grant_type=client_credential&appid={Uri.EscapeDataString(appid)}&secret={Uri.EscapeDataString(secret)}")),
            cancellationToken);

    /// <summary><c>GET /cgi-bin/ticket/getticket</c> for <see cref="JsapiTicket"/> or <see cref="WxCardTicket"/>.</summary>
    public Task<UpstreamResult> GetTicketAsync(string appid, string accessToken, string type, CancellationToken cancellationToken) =>
        CallAsync(appid, WeChatEndpoints.GetTicket, answer => Issue(answer.Ticket, answer),
            baseUrl => new HttpRequestMessage(HttpMethod.Get, Url(baseUrl, WeChatEndpoints.GetTicket,
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
    /// <typeparamref name="T"/>. Every WeChat call of WxHub's credential and platform flows goes through here.
    /// </summary>
    public async Task<WeChatCall<T>> SendAsync<T>(
        string appid, string endpoint, Func<Uri, HttpRequestMessage> request, JsonTypeInfo<T> answer, CancellationToken cancellationToken) where T : class
    {
        var settings = options.Value;
        var delay = settings.BusyRetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            var (body, failure) = await SendToAnAccessPointAsync(appid, endpoint, request, cancellationToken);
            if (failure is not null) return new(null, failure);

            var status = WeChatJson.ReadStatus(body);
            if (status.IsSuccess)
            {
                return Read(body!, answer) is { } value
                    ? new(value, null)
                    : new(null, new UpstreamFailure(UpstreamFailureKind.MalformedAnswer, null, $"WeChat's answer to {endpoint} said success but is not the expected JSON."));
            }
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

    /// <summary>Tries each access point once, starting with the preferred one, until one gives a WeChat answer.</summary>
    private async Task<(byte[]? Body, UpstreamFailure? Failure)> SendToAnAccessPointAsync(
        string appid, string endpoint, Func<Uri, HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        var points = options.Value.AccessPoints;
        var start = Volatile.Read(ref _preferred);
        var problems = new List<string>(points.Count);
        for (var i = 0; i < points.Count; i++)
        {
            var index = (start + i) % points.Count;
            if (!await quota.TryConsumeAsync(appid, endpoint, cancellationToken))
            {
                return (null, new UpstreamFailure(UpstreamFailureKind.QuotaSpent, null,
                    $"WxHub has used today's budget of {options.Value.DailyQuotas.For(endpoint)} calls to {endpoint} for {appid} and stops here so WeChat never answers 45009."));
            }

            var (body, problem) = await TrySendAsync(points[index], request, cancellationToken);
            if (body is not null)
            {
                Volatile.Write(ref _preferred, index);
                return (body, null);
            }
            LogAccessPointFailed(points[index].Host, endpoint, problem!);
            problems.Add($"{points[index].GetLeftPart(UriPartial.Authority)}: {problem}");
        }
        return (null, new UpstreamFailure(UpstreamFailureKind.Unreachable, null,
            $"No WeChat access point answered {endpoint} ({string.Join("; ", problems)}). Check the network path to WeChat and the {WeChatApiOptions.AccessPointsKey} setting."));
    }

    private async Task<(byte[]? Body, string? Problem)> TrySendAsync(
        Uri baseUrl, Func<Uri, HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.Value.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var message = request(baseUrl);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(message, linked.Token);
            if ((int)response.StatusCode >= 500) return (null, $"HTTP {(int)response.StatusCode}");
            var body = await response.Content.ReadAsByteArrayAsync(linked.Token);
            return WeChatJson.ReadStatus(body).ErrCode == WeChatErrorCodes.MalformedResponse ? (null, "an answer that is not WeChat JSON") : (body, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no answer within {options.Value.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return (null, e.HttpRequestError == HttpRequestError.Unknown ? e.Message : e.HttpRequestError.ToString());
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

    /// <summary>The URL of <paramref name="path"/> (with its query) at an access point.</summary>
    public static Uri Url(Uri baseUrl, string path, string query) => new(baseUrl.AbsoluteUri.TrimEnd('/') + path + query);

    private static IssuedCredential? Issue(string? value, CredentialAnswer answer) =>
        string.IsNullOrEmpty(value) || answer.ExpiresIn is not > 0 ? null : new IssuedCredential(value, TimeSpan.FromSeconds(answer.ExpiresIn.Value));

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeChat access point {Host} gave no answer to {Endpoint}: {Problem}; trying the next one")]
    private partial void LogAccessPointFailed(string host, string endpoint, string problem);
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
