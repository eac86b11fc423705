using WxHub.Core.Apps;
using WxHub.Core.WeChat;
using WxHub.Protocol.OAuth;

namespace WxHub.Core.OAuth;

/// <summary>
/// Finds how an app signs people in: with its registered AppSecret (the app must be registered with the expected type),
/// or through a third-party platform's component access token (the app is then the platform's authorizer, named by
/// the caller or, when the caller names none and the app is not registered, found among the platforms WxHub runs).
/// </summary>
public sealed class LoginClients(IAppStore apps, IComponentAccessTokenProvider components)
{
    /// <summary>
    /// The platform that acts for <paramref name="appid"/>: <paramref name="componentAppid"/> when given, else the
    /// platform it authorized when it is not registered as an app itself; null for an app signing in with its own secret.
    /// </summary>
    public async Task<string?> PlatformForAsync(string appid, string? componentAppid, CancellationToken cancellationToken) =>
        componentAppid
        ?? (await apps.GetAsync(appid, cancellationToken) is null ? await components.PlatformOfAsync(appid, cancellationToken) : null);

    /// <summary>The kind of app that grants a web authorization scope: website apps log in by QR code, Official Accounts the rest.</summary>
    public static AppType AppTypeFor(string scope) =>
        scope.Split(',').Contains(OAuthScopes.Login) ? AppType.Website : AppType.OfficialAccount;

    /// <param name="types">The kinds of app that may sign people in this way (checked for registered apps only).</param>
    public async Task<Outcome<LoginClient>> ResolveAsync(string appid, string? componentAppid, IReadOnlyCollection<AppType> types, CancellationToken cancellationToken)
    {
        componentAppid = await PlatformForAsync(appid, componentAppid, cancellationToken);
        if (componentAppid is not null)
        {
            var token = await components.GetAsync(componentAppid, cancellationToken);
            return token.Succeeded ? LoginClient.ThroughComponent(appid, componentAppid, token.Value) : token.Problem;
        }

        var app = await apps.GetAsync(appid, cancellationToken);
        if (app is null)
            return new Problem(ProblemKind.NotFound, "app_not_found", $"No app '{appid}' is registered. Register it with POST /v1/admin/apps, or give component_appid when a third-party platform acts for it.");
        if (!types.Contains(app.Type))
            return new Problem(ProblemKind.Invalid, "wrong_app_type",
                $"App '{appid}' is registered as {AppAdministration.TypeName(app.Type)}; this needs {string.Join(" or ", types.Select(AppAdministration.TypeName))}.");
        return LoginClient.WithSecret(appid, app.Secret);
    }
}
