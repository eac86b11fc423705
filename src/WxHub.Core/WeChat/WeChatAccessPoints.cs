using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxHub.Core.Diagnostics;
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
    WxHubMetrics metrics,
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
        var failures = new List<string>();
        foreach (var point in InPreferredOrder())
        {
            if (refuse is not null && await refuse(cancellationToken) is { } refusal) return new WeChatDelivery(null, refusal, null);

            var started = time.GetTimestamp();
            var (body, problem) = await TrySendAsync(point, request, cancellationToken);
            metrics.UpstreamCall(endpoint, time.GetElapsedTime(started), body is not null);
            if (body is not null)
            {
                Answered(point);
                return new WeChatDelivery(body, null, null);
            }
            failures.Add(Failed(point, endpoint, problem!));
        }
        return new WeChatDelivery(null, null, Unreachable(endpoint, failures));
    }

    /// <summary>
    /// Sends a call whose answer streams back to its caller (the proxy's): to each access point in turn until one answers
    /// below HTTP 500, while <paramref name="canSend"/> says the request can go out again. Only the answer's headers must
    /// come within the request timeout; the caller reads and disposes the answer. The last attempt's answer is returned
    /// whatever its status.
    /// </summary>
    public async Task<(HttpResponseMessage? Answer, string? Problem)> SendStreamingAsync(
        string httpClientName,
        string endpoint,
        Func<Uri, HttpRequestMessage> request,
        Func<bool> canSend,
        CancellationToken cancellationToken)
    {
        var points = InPreferredOrder();
        var failures = new List<string>();
        for (var i = 0; i < points.Count && canSend(); i++)
        {
            // Wall-clock, as in TrySendAsync.
            using var timeout = new CancellationTokenSource(options.Value.RequestTimeout);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            string problem;
            try
            {
                using var message = request(points[i]);
                var answer = await httpClients.CreateClient(httpClientName).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                if ((int)answer.StatusCode < 500 || i == points.Count - 1 || !canSend())
                {
                    Answered(points[i]);
                    return (answer, null);
                }
                problem = $"HTTP {(int)answer.StatusCode}";
                answer.Dispose();
            }
            catch (Exception e) when (NoAnswer(e, cancellationToken) is { } why)
            {
                problem = why;
            }
            failures.Add(Failed(points[i], endpoint, problem));
        }
        return (null, Unreachable(endpoint, failures));
    }

    /// <summary>The URL of <paramref name="path"/> (with its query) at an access point.</summary>
    public static Uri Url(Uri accessPoint, string path, string query) => new(accessPoint.AbsoluteUri.TrimEnd('/') + path + query);

    /// <summary>The configured access points, starting with the one that answered last.</summary>
    private List<Uri> InPreferredOrder()
    {
        var points = options.Value.AccessPoints;
        var start = Volatile.Read(ref _preferred) % points.Count;
        return [.. points.Skip(start), .. points.Take(start)];
    }

    private void Answered(Uri accessPoint)
    {
        var points = options.Value.AccessPoints;
        for (var i = 0; i < points.Count; i++)
        {
            if (points[i] == accessPoint) Volatile.Write(ref _preferred, i);
        }
    }

    private string Failed(Uri accessPoint, string endpoint, string problem)
    {
        LogAccessPointFailed(accessPoint.Host, endpoint, problem);
        return $"{accessPoint.GetLeftPart(UriPartial.Authority)}: {problem}";
    }

    private static string Unreachable(string endpoint, List<string> failures) =>
        $"No WeChat access point answered {endpoint} ({string.Join("; ", failures)}). Check the network path to WeChat and the {WeChatApiOptions.AccessPointsKey} setting.";

    /// <summary>Why an attempt got no answer, for the failures that move on to the next access point; null for any other exception.</summary>
    private string? NoAnswer(Exception exception, CancellationToken caller) => exception switch
    {
        OperationCanceledException when !caller.IsCancellationRequested => $"no answer within {options.Value.RequestTimeout.TotalSeconds:0.#} s",
        HttpRequestException e => e.HttpRequestError == HttpRequestError.Unknown ? e.Message : e.HttpRequestError.ToString(),
        _ => null,
    };

    private async Task<(byte[]? Body, string? Problem)> TrySendAsync(Uri accessPoint, Func<Uri, HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        // Latency is wall-clock time: the injected clock schedules refreshes; advancing it must not time out a live exchange.
        using var timeout = new CancellationTokenSource(options.Value.RequestTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var message = request(accessPoint);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(message, linked.Token);
            if ((int)response.StatusCode >= 500) return (null, $"HTTP {(int)response.StatusCode}");
            var body = await response.Content.ReadAsByteArrayAsync(linked.Token);
            return WeChatJson.ReadStatus(body).ErrCode == WeChatErrorCodes.MalformedResponse ? (null, "an answer that is not WeChat JSON") : (body, null);
        }
        catch (Exception e) when (NoAnswer(e, cancellationToken) is { } why)
        {
            return (null, why);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeChat access point {Host} gave no answer to {Endpoint}: {Problem}; trying the next one")]
    private partial void LogAccessPointFailed(string host, string endpoint, string problem);
}
