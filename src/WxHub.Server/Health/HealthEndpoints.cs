using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Core.Storage;

namespace WxHub.Server.Health;

public static class HealthEndpoints
{
    /// <summary>How long <c>/readyz</c> waits for the store before calling it unreachable.</summary>
    public static readonly TimeSpan StoreProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>/healthz</c>: the process answers. <c>/readyz</c>: it can serve; 503 with the reason when the store does not
    /// answer, so a load balancer sends traffic elsewhere until it does.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Json(new HealthStatus("ok"), HealthJsonContext.Default.HealthStatus));
        endpoints.MapGet("/readyz", async (IStoreHealth store, TimeProvider time, CancellationToken aborted) =>
        {
            using var probe = new CancellationTokenSource(StoreProbeTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(probe.Token, aborted);
            var health = await store.CheckAsync(linked.Token);
            return health.IsReachable
                ? Results.Json(new HealthStatus("ready"), HealthJsonContext.Default.HealthStatus)
                : Results.Json(new HealthStatus("not_ready", "store_unreachable", health.Problem), HealthJsonContext.Default.HealthStatus, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        return endpoints;
    }
}

/// <param name="Error">Why not ready, as a code; <paramref name="Message"/> says it for people.</param>
public sealed record HealthStatus(string Status, string? Error = null, string? Message = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthStatus))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
