using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace WxHub.Server.Tests.Attack;

/// <summary>
/// Every secret WeChat hands WxHub: a handler on all of WxHub's HTTP clients reads each JSON answer and keeps the values
/// of fields that name a token, a ticket, a session key or a secret (access and refresh tokens, tickets, session_key).
/// A test then knows what to search for without reaching into the emulator.
/// </summary>
public sealed class UpstreamSecrets
{
    private static readonly string[] SecretFields = ["token", "ticket", "session_key", "secret"];

    private readonly ConcurrentDictionary<string, string> _seen = new();

    /// <summary>(field name, value) of every secret seen in an answer so far.</summary>
    public IEnumerable<(string What, string Value)> Seen => _seen.Select(s => ($"WeChat's {s.Value}", s.Key));

    public void AddTo(IServiceCollection services) =>
        services.ConfigureHttpClientDefaults(client => client.AddHttpMessageHandler(() => new Recorder(this)));

    private void Harvest(JsonElement element, string? name)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject()) Harvest(property.Value, property.Name);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Harvest(item, name);
                break;
            case JsonValueKind.String when name is not null && IsSecretField(name) && element.GetString() is { Length: >= 8 } value:
                _seen.TryAdd(value, name);
                break;
        }
    }

    private static bool IsSecretField(string name) =>
        SecretFields.Any(f => name.Contains(f, StringComparison.OrdinalIgnoreCase)) && !name.Contains("expire", StringComparison.OrdinalIgnoreCase);

    private sealed class Recorder(UpstreamSecrets secrets) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Requests too: the verify ticket and the authorizer refresh tokens travel in WxHub's request bodies.
            await HarvestAsync(request.Content, cancellationToken);
            var response = await base.SendAsync(request, cancellationToken);
            await HarvestAsync(response.Content, cancellationToken);
            return response;
        }

        private async Task HarvestAsync(HttpContent? content, CancellationToken cancellationToken)
        {
            if (content?.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) != true) return;
            await content.LoadIntoBufferAsync(cancellationToken);
            try
            {
                using var json = JsonDocument.Parse(await content.ReadAsByteArrayAsync(cancellationToken));
                secrets.Harvest(json.RootElement, null);
            }
            catch (JsonException)
            {
                // Not JSON after all: nothing to harvest.
            }
        }
    }
}
