using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxHub.Protocol.Errors;

namespace WxHub.Core.WeChat;

/// <summary>What came of sending one call to the access points: WeChat's answer, a refusal before sending, or no answer.</summary>
public sealed record WeChatDelivery(byte[]? Body, string? Refusal, string? Problem)
{
    public WeChatStatus Status => Body is null ? default : WeChatJson.ReadStatus(Body);
}

/// <summary>
/// Sends a call to the configured WeChat access points in turn, starting with the one that answered last, until one
/// gives a WeChat answer: a JSON object with an HTTP status below 500. Network errors, timeouts, 5xx and bodies that
/// are not WeChat JSON move on to the next access point. Every caller of WeChat shares it.
/// </summary>
public sealed partial class WeChatAccessPoints(
    IHttpClientFactory httpClients,
    IOptions<WeChatApiOptions> options,
    TimeProvider time,
    ILogger<WeChatAccessPoints> logger)
{
    public const string HttpClientName = "WeChat";

    // The access point that answered last: later calls start there instead of paying for a dead one again.
    private int _preferred;

    /// <param name="endpoint">The path, for messages and logs (URLs carry secrets and are never logged).</param>
    /// <param name="refuse">Asked before every attempt (e.g. to count it against a daily budget): a reason stops sending.</param>
    public async Task<WeChatDelivery> SendAsync(
        string endpoint,
        Func<Uri, HttpRequestMessage> request,
        Func<CancellationToken, Task<string?>>? refuse,
        CancellationToken cancellationToken)
    {
        var points = options.Value.AccessPoints;
        var start = Volatile.Read(ref _preferred);
        var problems = new List<string>(points.Count);
        for (var i = 0; i < points.Count; i++)
        {
            var index = (start + i) % points.Count;
            if (refuse is not null && await refuse(cancellationToken) is { } refusal) return new WeChatDelivery(null, refusal, null);

            var (body, problem) = await TrySendAsync(points[index], request, cancellationToken);
            if (body is not null)
            {
                Volatile.Write(ref _preferred, index);
                return new WeChatDelivery(body, null, null);
            }
            LogAccessPointFailed(points[index].Host, endpoint, problem!);
            problems.Add($"{points[index].GetLeftPart(UriPartial.Authority)}: {problem}");
        }
        return new WeChatDelivery(null, null,
            $"No WeChat access point answered {endpoint} ({string.Join("; ", problems)}). Check the network path to WeChat and the {WeChatApiOptions.AccessPointsKey} setting.");
    }

    /// <summary>The URL of <paramref name="path"/> (with its query) at an access point.</summary>
    public static Uri Url(Uri accessPoint, string path, string query) => new(accessPoint.AbsoluteUri.TrimEnd('/') + path + query);

    private async Task<(byte[]? Body, string? Problem)> TrySendAsync(Uri accessPoint, Func<Uri, HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.Value.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var message = request(accessPoint);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeChat access point {Host} gave no answer to {Endpoint}: {Problem}; trying the next one")]
    private partial void LogAccessPointFailed(string host, string endpoint, string problem);
}
