using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace WxHub.Server.Health;

public static class HealthEndpoints
{
    /// <summary><c>/healthz</c>: the process answers. <c>/readyz</c>: it can serve (store reachable, state loaded).</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Json(new HealthStatus("ok"), HealthJsonContext.Default.HealthStatus));
        endpoints.MapGet("/readyz", () => Results.Json(new HealthStatus("ready"), HealthJsonContext.Default.HealthStatus));
        return endpoints;
    }
}

public sealed record HealthStatus(string Status);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthStatus))]
internal sealed partial class HealthJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
