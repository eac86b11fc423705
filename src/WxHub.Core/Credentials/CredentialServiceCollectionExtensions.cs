using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WxHub.Core.Apps;
using WxHub.Core.Diagnostics;
using WxHub.Core.WeChat;

namespace WxHub.Core.Credentials;

public static class CredentialServiceCollectionExtensions
{
    /// <summary>
    /// The upstream WeChat client and the credential lifecycle. Reads <c>WeChatApi</c> (access points), the
    /// <c>WeChat</c> section (<see cref="WeChatApiOptions"/>) and the <c>Credentials</c> section (<see cref="CredentialOptions"/>).
    /// Needs the stores (<see cref="IAppStore"/>, <see cref="ICredentialStore"/>, <see cref="IRefreshEventStore"/>, <see cref="IQuotaStore"/>).
    /// </summary>
    public static IServiceCollection AddWxHubCredentials(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<WeChatApiOptions>()
            .Bind(configuration.GetSection(WeChatApiOptions.SectionName))
            .Configure(options =>
            {
                if (configuration[WeChatApiOptions.AccessPointsKey] is { Length: > 0 } points)
                    options.AccessPoints = WeChatApiOptions.ParseAccessPoints(points);
            })
            .Validate(o => o.RequestTimeout > TimeSpan.Zero && o.BusyRetryDelay >= TimeSpan.Zero,
                "WeChat:RequestTimeout must be positive and WeChat:BusyRetryDelay not negative.")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<CredentialOptions>()
            .Bind(configuration.GetSection(CredentialOptions.SectionName))
            .Validate(o => o.MinimumLifetime >= TimeSpan.Zero && o.RefreshJitter >= TimeSpan.Zero && o.RefreshMargin - o.RefreshJitter > o.MinimumLifetime,
                "Credentials: RefreshMargin minus RefreshJitter must exceed MinimumLifetime, so every credential is refreshed before it stops being served.")
            .Validate(o => o.MaxConcurrentRefreshes >= 1 && o.RefreshesPerSecond > 0,
                "Credentials: MaxConcurrentRefreshes must be at least 1 and RefreshesPerSecond positive.")
            .ValidateOnStart();

        // No request logging: URLs carry AppSecrets and access tokens.
        services.AddHttpClient(WeChatAccessPoints.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();

        services.AddMetrics();
        services.AddSingleton<WxHubMetrics>();
        services.AddOptions<AlertOptions>()
            .Bind(configuration.GetSection(AlertOptions.SectionName))
            .Validate(o => o.WebhookUrl is null || (o.WebhookUrl.IsAbsoluteUri && o.WebhookUrl.Scheme is "http" or "https"),
                "Alerts:WebhookUrl must be an absolute http(s) URL.")
            .Validate(o => o.QuotaThreshold is > 0 and <= 1, "Alerts:QuotaThreshold must be above 0 and at most 1 (0.8 = 80 %).")
            .ValidateOnStart();
        services.AddHttpClient(AlertWebhook.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.AddSingleton<AlertWebhook>();
        services.AddSingleton<DailyQuota>();
        services.AddSingleton<WeChatAccessPoints>();
        services.AddSingleton<WeChatApiClient>();
        services.AddSingleton<ForceRefreshBudget>();
        // Asked in this order: a registered app wins over an authorizer with the same appid.
        services.AddSingleton<ICredentialSource, AppCredentialSource>();
        services.AddSingleton<ICredentialSource, TicketSource>();
        services.AddSingleton<CredentialManager>();
        services.AddSingleton<ICredentialProvider>(sp => sp.GetRequiredService<CredentialManager>());
        services.AddSingleton<IAppChangeListener>(sp => sp.GetRequiredService<CredentialManager>());
        services.AddHostedService(sp => sp.GetRequiredService<CredentialManager>());
        return services;
    }
}
