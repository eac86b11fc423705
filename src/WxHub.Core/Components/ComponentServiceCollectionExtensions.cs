using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WxHub.Core.Credentials;
using WxHub.Core.WeChat;

namespace WxHub.Core.Components;

public static class ComponentServiceCollectionExtensions
{
    /// <summary>
    /// Third-party platforms: their credentials in the <see cref="CredentialManager"/>, authorization, sync and
    /// recovery. Reads the <c>Components</c> section (<see cref="ComponentOptions"/>) and <c>WeChatPages</c>; needs
    /// <see cref="CredentialServiceCollectionExtensions.AddWxHubCredentials"/> and the stores.
    /// </summary>
    public static IServiceCollection AddWxHubComponents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ComponentOptions>()
            .Bind(configuration.GetSection(ComponentOptions.SectionName))
            .Validate(o => o.AuthorizerRefreshSpread >= TimeSpan.Zero && o.StartPushTicketSpacing >= TimeSpan.Zero && o.TicketWait >= TimeSpan.Zero && o.ReconcileInterval > TimeSpan.Zero,
                "Components: AuthorizerRefreshSpread, StartPushTicketSpacing and TicketWait must not be negative, ReconcileInterval must be positive.")
            .ValidateOnStart();
        services.AddOptions<WeChatPagesOptions>().Configure<IOptions<WeChatApiOptions>>((pages, api) =>
        {
            if (configuration[WeChatPagesOptions.Key] is { Length: > 0 } configured)
            {
                pages.Base = Uri.TryCreate(configured, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                    ? url
                    : throw new FormatException($"{WeChatPagesOptions.Key}: '{configured}' is not an http(s) URL. Give the base URL that serves WeChat's authorization pages.");
            }
            else if (api.Value.AccessPoints[0] is var first && !WeChatPagesOptions.IsWeChatOwn(first))
            {
                pages.Base = first;
            }
        });

        services.AddSingleton<ComponentApiClient>();
        services.AddSingleton<ComponentTickets>();
        services.AddSingleton<ComponentTokenCalls>();
        services.AddSingleton<ICredentialSource, ComponentCredentialSource>();
        services.AddSingleton<AuthorizationGrants>();
        services.AddSingleton<AuthorizerSync>();
        services.AddHostedService<ComponentRecovery>();
        return services;
    }
}
