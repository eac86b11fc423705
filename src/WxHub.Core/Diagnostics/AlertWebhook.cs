using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxHub.Core.Credentials;

namespace WxHub.Core.Diagnostics;

/// <summary>The <c>Alerts</c> section: where to post alerts (none when unset) and when quota use is worth one.</summary>
public sealed class AlertOptions
{
    public const string SectionName = "Alerts";

    /// <summary>An http(s) URL that receives a JSON POST per alert; alerts are off when empty.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>The share of an endpoint's daily budget whose use raises one alert a day (0.8 = 80 %).</summary>
    public double QuotaThreshold { get; set; } = 0.8;
}

/// <summary>What an operator is told. <see cref="Message"/> is the credential fault's advice; no alert carries a secret.</summary>
public sealed record Alert(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("credential")] string? Credential = null,
    [property: JsonPropertyName("error")] string? Error = null,
    [property: JsonPropertyName("errcode")] int? ErrCode = null,
    [property: JsonPropertyName("message")] string? Message = null,
    [property: JsonPropertyName("endpoint")] string? Endpoint = null,
    [property: JsonPropertyName("used")] long? Used = null,
    [property: JsonPropertyName("budget")] long? Budget = null)
{
    public const string CredentialError = "credential_error";
    public const string QuotaThreshold = "quota_threshold";
}

/// <summary>
/// Posts alerts to the configured webhook in the background, so a slow or absent receiver never delays a refresh;
/// a failed post is logged and dropped (the dashboard and <c>/metrics</c> still show the state).
/// </summary>
public sealed partial class AlertWebhook(IHttpClientFactory httpClients, IOptions<AlertOptions> options, TimeProvider time, ILogger<AlertWebhook> logger)
{
    public const string HttpClientName = "Alerts";

    /// <summary>A credential went from healthy to failing.</summary>
    public void CredentialFailing(CredentialKey key, CredentialFault fault) =>
        Post(new Alert(Alert.CredentialError, key.Appid, time.GetUtcNow(), key.Kind.ToString(), fault.Error, fault.ErrCode, fault.Message));

    /// <summary>Counts a call against a budget: the call that reaches the threshold raises the alert, once a day.</summary>
    public void QuotaCounted(string appid, string endpoint, long used, long budget)
    {
        if (used != (long)Math.Ceiling(budget * options.Value.QuotaThreshold)) return;
        Post(new Alert(Alert.QuotaThreshold, appid, time.GetUtcNow(), Endpoint: endpoint, Used: used, Budget: budget,
            Message: $"{appid} has used {used} of today's {budget} calls to {endpoint}; find what calls WeChat so often before the budget runs out."));
    }

    private void Post(Alert alert)
    {
        if (options.Value.WebhookUrl is not { } url) return;
        _ = Task.Run(async () =>
        {
            try
            {
                using var response = await httpClients.CreateClient(HttpClientName).PostAsJsonAsync(url, alert, AlertJsonContext.Default.Alert);
                if (!response.IsSuccessStatusCode) LogNotDelivered(alert.Kind, alert.Appid, $"HTTP {(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                LogNotDelivered(alert.Kind, alert.Appid, e.Message);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Kind} alert of {Appid} did not reach the webhook: {Problem}")]
    private partial void LogNotDelivered(string kind, string appid, string problem);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Alert))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;
