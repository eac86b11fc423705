using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Core.Credentials;
using WxHub.Core.OAuth;
using WxHub.Core.WeChat;

namespace WxHub.Core.Components;

public static class ComponentServiceCollectionExtensions
{
    /// <summary>
    /// Third-party platforms: their credentials in the <see cref="CredentialManager"/>, authorization, sync and
    /// recovery. Reads the <c>Components</c> section (<see cref="ComponentOptions"/>); needs
    /// <see cref="CredentialServiceCollectionExtensions.AddWxHubCredentials"/>, the stores, and for the authorization
    /// pages' address <see cref="WeChatPagesOptions"/> (configured by <see cref="LoginServiceCollectionExtensions.AddWxHubLogins"/>).
    /// </summary>
    public static IServiceCollection AddWxHubComponents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ComponentOptions>()
            .Bind(configuration.GetSection(ComponentOptions.SectionName))
            .Validate(o => o.AuthorizerRefreshSpread >= TimeSpan.Zero && o.StartPushTicketSpacing >= TimeSpan.Zero && o.TicketWait >= TimeSpan.Zero && o.ReconcileInterval > TimeSpan.Zero,
                "Components: AuthorizerRefreshSpread, StartPushTicketSpacing and TicketWait must not be negative, ReconcileInterval must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ComponentApiClient>();
        services.AddSingleton<ComponentTickets>();
        services.AddSingleton<ComponentTokenCalls>();
        services.AddSingleton<ICredentialSource, ComponentCredentialSource>();
        services.AddSingleton<AuthorizationGrants>();
        services.AddSingleton<AuthorizerSync>();
        services.AddHostedService<ComponentRecovery>();
        // Replaces the logins' stand-in (registered with TryAdd): platform logins use these platforms' tokens.
        services.AddSingleton<IComponentAccessTokenProvider, ComponentAccessTokens>();
        return services;
    }
}
