using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WxHub.Core.Credentials;
using WxHub.Core.Identity;
using WxHub.Core.MiniProgram;
using WxHub.Core.WeChat;

namespace WxHub.Core.OAuth;

public static class LoginServiceCollectionExtensions
{
    /// <summary>
    /// Web authorization, QR-code and Mini Program logins and the UnionID directory. Reads the <c>OAuth</c> section
    /// (<see cref="OAuthOptions"/>) and <c>WeChatPages</c>; needs the stores and <see cref="CredentialServiceCollectionExtensions.AddWxHubCredentials"/>.
    /// A third-party platform feature replaces <see cref="IComponentAccessTokenProvider"/>.
    /// </summary>
    public static IServiceCollection AddWxHubLogins(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OAuthOptions>()
            .Bind(configuration.GetSection(OAuthOptions.SectionName))
            .Validate(o => o.StateLifetime > TimeSpan.Zero && o.SignInCodeLifetime > TimeSpan.Zero && o.MiniProgramSessionLifetime > TimeSpan.Zero
                           && o.ProfileLifetime >= TimeSpan.Zero && o.UsedCodeMemory >= o.StateLifetime,
                "OAuth: the lifetimes must be positive, and UsedCodeMemory at least StateLifetime (a replayed code must still be remembered).")
            .Validate(o => o.PublicUrl is null || (o.PublicUrl.IsAbsoluteUri && o.PublicUrl.Scheme is "http" or "https"),
                "OAuth:PublicUrl must be an absolute http(s) URL, e.g. https://hub.example.com.")
            .ValidateDataAnnotations()
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

        services.TryAddSingleton<IComponentAccessTokenProvider, NoComponentAccessTokens>();
        services.AddSingleton<WeChatIdentityClient>();
        services.AddSingleton<AppTokenCalls>();
        services.AddSingleton<OAuthStateSigner>();
        services.AddSingleton<LoginClients>();
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<CodeSignIn>();
        services.AddSingleton<WebAuthorization>();
        services.AddSingleton<OAuthProfileRefresh>();
        services.AddSingleton<MiniProgramLogin>();
        services.AddSingleton<FollowerBackfill>();
        services.AddSingleton<BackfillRunner>();
        services.AddHostedService<LoginHousekeeping>();
        return services;
    }
}
