using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace WxHub.Server.Proxy;

public static class ProxyServices
{
    /// <summary>The WeChat API proxy, configured from the <c>Proxy</c> section (<see cref="ProxyOptions"/>).</summary>
    public static IServiceCollection AddWxHubProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProxyOptions>()
            .Bind(configuration.GetSection(ProxyOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.PerApp.Period > TimeSpan.Zero && o.PerKey.Period > TimeSpan.Zero, "Proxy:PerApp:Period and Proxy:PerKey:Period must be positive.")
            .ValidateOnStart();

        // No request logging (URLs carry tokens), no redirects, cookies or decompression: the answer goes back as WeChat sent it.
        services.AddHttpClient(WeChatProxy.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
            })
            .RemoveAllLoggers();

        services.TryAddSingleton<IProxyCredentialResolver, AccountCredentialResolver>();
        services.AddSingleton<ProxyRateLimiter>();
        services.AddSingleton<WeChatProxy>();
        services.AddSingleton<ProxyCall>();
        services.AddSingleton<TokenCompatibility>();
        return services;
    }
}
