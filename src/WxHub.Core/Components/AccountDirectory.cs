using WxHub.Core.Apps;

namespace WxHub.Core.Components;

/// <summary>
/// The accounts WxHub serves under an appid: registered apps, third-party platforms and the authorizers of those
/// platforms (active or not: a revoked one's history stays readable). Subscribers and callbacks belong to any of them.
/// </summary>
public sealed class AccountDirectory(IAppStore apps, IComponentStore components, IAuthorizerStore authorizers)
{
    public async Task<bool> KnowsAsync(string appid, CancellationToken cancellationToken = default) =>
        await apps.GetAsync(appid, cancellationToken) is not null
        || await authorizers.GetAsync(appid, cancellationToken) is not null
        || await components.GetAsync(appid, cancellationToken) is not null;

    public static string NotFoundMessage(string appid) =>
        $"No app, third-party platform or authorizer '{appid}' is known. List them with GET /v1/admin/apps and GET /v1/admin/components.";
}
