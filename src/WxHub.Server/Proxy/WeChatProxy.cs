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
    WeChatAccessPoints accessPoints,
    ICredentialProvider credentials,
    IOptions<ProxyOptions> options,
    ILogger<WeChatProxy> logger)
{
    public const string HttpClientName = "WeChatProxy";

    public async Task<IResult> ForwardAsync(HttpContext http, ProxyTarget target, ProxyCredential credential, string token, CancellationToken cancellationToken)
    {
        var body = await ForwardedBody.ReadAsync(http.Request, options.Value.MaxReplayableBodyBytes, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var query = CredentialQuery.With(target.Query, credential.QueryParameter, token);
            var (response, problem) = await accessPoints.SendStreamingAsync(HttpClientName, target.Path,
                point => Message(http.Request, WeChatAccessPoints.Url(point, target.Path, query), body), () => body.CanSend, cancellationToken);
            if (response is null)
            {
                var held = body.CanSend ? "" : " The request body was too large to hold for another attempt (Proxy:MaxReplayableBodyBytes).";
                return ProxyErrors.Create(StatusCodes.Status502BadGateway, "wechat_unreachable", WeChatErrorCodes.SystemBusy, problem + held);
            }

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
}
