using System.Net.Http.Headers;
using System.Text;

namespace WxHub.Emulator.Pushes;

internal enum DeliveryOutcome
{
    /// <summary>The receiver answered 2xx in time; its body is the reply.</summary>
    Answered,
    Timeout,
    HttpError,
    Unreachable,
}

/// <summary>How a push went: the attempts it took and the last attempt's outcome.</summary>
internal sealed record Delivery(int Attempts, DeliveryOutcome Outcome, int? HttpStatus, string? Body);

/// <summary>
/// Delivers pushes as WeChat does: each attempt waits <see cref="EmulatorOptions.PushTimeout"/> (on the emulator's
/// clock) for an answer; no answer, a refused connection or a non-2xx status means another attempt with the very
/// same request, up to <see cref="EmulatorOptions.PushAttempts"/>.
/// </summary>
internal sealed class PushSender(HttpClient http, TimeProvider clock, EmulatorOptions options, CancellationToken stopping)
{
    public const int MaxReplyBytes = 1 << 20;

    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
    })
    {
        // Each attempt has its own timeout on the emulator's clock.
        Timeout = Timeout.InfiniteTimeSpan,
        MaxResponseContentBufferSize = MaxReplyBytes,
    };

    public async Task<Delivery> SendAsync(HttpMethod method, Uri url, string? xml, int? attempts = null)
    {
        var limit = attempts ?? options.PushAttempts;
        Delivery delivery = null!;
        for (var attempt = 1; attempt <= limit; attempt++)
        {
            delivery = await AttemptAsync(method, url, xml, attempt);
            if (delivery.Outcome == DeliveryOutcome.Answered || stopping.IsCancellationRequested) break;
        }
        return delivery;
    }

    private async Task<Delivery> AttemptAsync(HttpMethod method, Uri url, string? xml, int attempt)
    {
        using var timeout = new CancellationTokenSource(options.PushTimeout, clock);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stopping);
        using var request = new HttpRequestMessage(method, url);
        if (xml is not null)
        {
            request.Content = new StringContent(xml, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/xml");
        }
        try
        {
            using var response = await http.SendAsync(request, cancel.Token);
            var body = await response.Content.ReadAsStringAsync(cancel.Token);
            var status = (int)response.StatusCode;
            return new Delivery(attempt, response.IsSuccessStatusCode ? DeliveryOutcome.Answered : DeliveryOutcome.HttpError, status, body);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new Delivery(attempt, DeliveryOutcome.Timeout, null, null);
        }
        catch (HttpRequestException)
        {
            return new Delivery(attempt, DeliveryOutcome.Unreachable, null, null);
        }
        catch (OperationCanceledException)
        {
            return new Delivery(attempt, DeliveryOutcome.Unreachable, null, null);
        }
    }
}
