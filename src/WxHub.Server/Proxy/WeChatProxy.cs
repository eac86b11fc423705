using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxHub.Core.Credentials;
using WxHub.Core.WeChat;
using WxHub.Protocol.Errors;
using WxHub.Protocol.Requests;

namespace WxHub.Server.Proxy;

/// <summary>
/// Forwards one call to WeChat with the credential added, streaming both ways. Fails over across the access points
/// while the body can still be sent; when WeChat rejects the token (40001, 40014, 42001) it replaces exactly that token
/// (compare-and-refresh) and, when the body can be replayed, sends the call once more.
/// </summary>
public sealed partial class WeChatProxy(
    IHttpClientFactory httpClients,
    ICredentialProvider credentials,
    IOptions<WeChatApiOptions> wechat,
    IOptions<ProxyOptions> options,
    ILogger<WeChatProxy> logger)
{
    public const string HttpClientName = "WeChatProxy";

    // The access point that answered last: later calls start there instead of paying for a dead one again.
    private int _preferred;

    public async Task<IResult> ForwardAsync(HttpContext http, ProxyTarget target, ProxyCredential credential, string token, CancellationToken cancellationToken)
    {
        var body = await ForwardedBody.ReadAsync(http.Request, options.Value.MaxReplayableBodyBytes, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var (response, problem) = await SendAsync(http.Request, target, credential, token, body, cancellationToken);
            if (response is null) return ProxyErrors.Create(StatusCodes.Status502BadGateway, "wechat_unreachable", WeChatErrorCodes.SystemBusy, problem!);

            var answer = await UpstreamAnswer.ReadAsync(response, cancellationToken);
            if (answer.ErrCode is not { } errcode || !WeChatErrorCatalog.IsTokenInvalid(errcode)) return answer;

            // Whatever happens to this call, the next one must not carry the token WeChat just refused.
            var replaced = await credentials.InvalidateAsync(credential.Key, token, cancellationToken);
            if (attempt > 0 || !body.Replayable || !replaced.Found) return answer;
            LogRetrying(credential.Key.Appid, target.Path, errcode);
            answer.Dispose();
            token = replaced.Credential.Value;
        }
    }

    /// <summary>Sends to each access point in turn, from the preferred one, until one answers below HTTP 500.</summary>
    private async Task<(HttpResponseMessage? Response, string? Problem)> SendAsync(
        HttpRequest request, ProxyTarget target, ProxyCredential credential, string token, ForwardedBody body, CancellationToken cancellationToken)
    {
        var points = wechat.Value.AccessPoints;
        var start = Volatile.Read(ref _preferred);
        var problems = new List<string>(points.Count);
        for (var i = 0; i < points.Count && body.CanSend; i++)
        {
            var index = (start + i) % points.Count;
            var url = new Uri(points[index].AbsoluteUri.TrimEnd('/') + target.Path + CredentialQuery.With(target.Query, credential.QueryParameter, token));
            // Network time is wall-clock time, whatever clock the rest of WxHub follows; the limit covers the answer's headers only.
            using var timeout = new CancellationTokenSource(wechat.Value.RequestTimeout);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            string problem;
            try
            {
                using var message = Message(request, url, body);
                var response = await httpClients.CreateClient(HttpClientName).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                var last = i == points.Count - 1 || !body.CanSend;
                if ((int)response.StatusCode < 500 || last)
                {
                    Volatile.Write(ref _preferred, index);
                    return (response, null);
                }
                problem = $"HTTP {(int)response.StatusCode}";
                response.Dispose();
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                problem = $"no answer within {wechat.Value.RequestTimeout.TotalSeconds:0.#} s";
            }
            catch (HttpRequestException e)
            {
                problem = e.HttpRequestError == HttpRequestError.Unknown ? e.Message : e.HttpRequestError.ToString();
            }
            LogAccessPointFailed(points[index].Host, target.Path, problem);
            problems.Add($"{points[index].GetLeftPart(UriPartial.Authority)}: {problem}");
        }
        var why = body.CanSend ? "" : " The request body was too large to hold for another attempt.";
        return (null, $"No WeChat access point answered {target.Path} ({string.Join("; ", problems)}).{why} Check the network path to WeChat and the {WeChatApiOptions.AccessPointsKey} setting.");
    }

    private static HttpRequestMessage Message(HttpRequest request, Uri url, ForwardedBody body)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), url) { Content = body.CreateContent() };
        foreach (var (name, values) in request.Headers)
        {
            if (!ProxyHeaders.IsForwardedRequestHeader(name)) continue;
            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values)) message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        return message;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WeChat refused the token of {Appid} on {Path} ({ErrCode}); calling again with a new one")]
    private partial void LogRetrying(string appid, string path, int errCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeChat access point {Host} gave no answer to {Path}: {Problem}; trying the next one")]
    private partial void LogAccessPointFailed(string host, string path, string problem);
}
