using WxHub.Core.Components;
using WxHub.Core.Credentials;
using WxHub.Protocol.Requests;

namespace WxHub.Server.Proxy;

/// <summary>The credential the proxy adds to a call, and the query parameter WeChat expects it in.</summary>
/// <remarks>The parameter is one of <see cref="CredentialQuery"/>'s; the proxy removes any credential the caller sent.</remarks>
/// <param name="ComponentAppid">The platform the call acts as, for a platform's own calls: a key naming the platform may make them.</param>
public sealed record ProxyCredential(CredentialKey Key, string QueryParameter, string? ComponentAppid = null);

/// <summary>
/// Chooses the credential for a call made through <c>/wechat-api/{appid}/{path}</c>. Everything after the choice
/// (compare-and-refresh, retry, failover, the SDK token check) works on the key it returns.
/// </summary>
public interface IProxyCredentialResolver
{
    ValueTask<ProxyCredential> ResolveAsync(string appid, string path, CancellationToken cancellationToken);
}

/// <summary>
/// <c>/cgi-bin/component/...</c> on a registered platform's appid carries the component token (as
/// <c>component_access_token</c>); every other call acts as the account with its access token, which for an account
/// that authorized a platform is the authorizer token, kept under the account's appid like an app's.
/// </summary>
public sealed class AccountCredentialResolver(IComponentStore components) : IProxyCredentialResolver
{
    private const string ComponentPaths = "/cgi-bin/component/";

    public async ValueTask<ProxyCredential> ResolveAsync(string appid, string path, CancellationToken cancellationToken) =>
        path.StartsWith(ComponentPaths, StringComparison.Ordinal) && await components.GetAsync(appid, cancellationToken) is not null
            ? new ProxyCredential(ComponentAdministration.TokenKey(appid), CredentialQuery.ComponentAccessToken, appid)
            : new ProxyCredential(new CredentialKey(appid, CredentialKind.AccessToken), CredentialQuery.AccessToken);
}
