using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using WxHub.Core.Messages;
using WxHub.Server.Http;

namespace WxHub.Server.Messages;

/// <summary>One attempt's result: acknowledged (2xx) with the answer's body when a reply was asked for, or why not.</summary>
public sealed record DeliveryAttempt(bool Acknowledged, string? Answer, string? Error);

/// <summary>
/// Sends one delivery: a signed JSON POST of <c>{"delivery_id", "appid", "callback_id", "attempt", "reply_expected",
/// "message"}</c>. The attempt's time limit runs on the injected clock.
/// </summary>
public sealed class SubscriberClient(IHttpClientFactory clients, TimeProvider time, IOptions<MessageServerOptions> options)
{
    public const string HttpClientName = "wxhub-subscribers";

    private const int MaxAnswerBytes = 64 * 1024;

    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (shutdown).</exception>
    public async Task<DeliveryAttempt> SendAsync(Subscriber subscriber, PendingDelivery delivery, bool replyExpected, CancellationToken cancellationToken)
    {
        var body = Body(delivery, replyExpected);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscriber.Url)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
        };
        request.Headers.Add(DeliverySignature.DeliveryHeader, delivery.Entry.Id);
        request.Headers.Add(DeliverySignature.TimestampHeader, timestamp);
        request.Headers.Add(DeliverySignature.SignatureHeader, DeliverySignature.Compute(subscriber.Secret, timestamp, body));

        var limit = options.Value.DeliveryTimeout;
        using var timeout = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (!response.IsSuccessStatusCode) return new(false, null, $"HTTP {(int)response.StatusCode} from the subscriber");
            if (!replyExpected) return new(true, null, null);
            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
            var answer = await BoundedBody.ReadAsync(stream, response.Content.Headers.ContentLength, MaxAnswerBytes, linked.Token);
            return new(true, answer is { } bytes ? Encoding.UTF8.GetString(bytes) : null, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new(false, null, $"no answer within {limit.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return new(false, null, e.Message);
        }
    }

    private static byte[] Body(PendingDelivery delivery, bool replyExpected)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("delivery_id", delivery.Entry.Id);
            json.WriteString("appid", delivery.Entry.Appid);
            json.WriteString("callback_id", delivery.Entry.CallbackId);
            json.WriteNumber("attempt", delivery.Entry.Attempts + 1);
            json.WriteBoolean("reply_expected", replyExpected);
            json.WritePropertyName("message");
            json.WriteRawValue(delivery.Message, skipInputValidation: true);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
