using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace WxHub.Server.Metrics;

public static class MetricsEndpoints
{
    public static IServiceCollection AddWxHubMetricsExport(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<PrometheusExporter>();
        return services;
    }

    /// <summary>
    /// <c>/metrics</c> for Prometheus. Like <c>/healthz</c> it needs no key: it shows app ids and counts, never secrets.
    /// The exporter is created here, before the host starts, so it sees every measurement.
    /// </summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        var exporter = endpoints.ServiceProvider.GetRequiredService<PrometheusExporter>();
        endpoints.MapGet("/metrics", () => Results.Text(exporter.Scrape(), PrometheusExporter.ContentType));
        return endpoints;
    }
}
