using WxHub.Core.Credentials;
using WxHub.Protocol.Requests;

namespace WxHub.Server.Proxy;

/// <summary>The credential the proxy adds to a call, and the query parameter WeChat expects it in.</summary>
/// <remarks>The parameter is one of <see cref="CredentialQuery"/>'s; the proxy removes any credential the caller sent.</remarks>
public sealed record ProxyCredential(CredentialKey Key, string QueryParameter);

/// <summary>
/// Chooses the credential for a call made through <c>/wechat-api/{appid}/{path}</c>. The extension point for
/// third-party platforms: an authorizer appid maps to the authorizer's token, and <c>/cgi-bin/component/...</c> on a
/// platform's appid to the component token under <see cref="CredentialQuery.ComponentAccessToken"/>. Everything after
/// the choice (compare-and-refresh, retry, failover, the SDK token check) works on the key it returns.
/// </summary>
public interface IProxyCredentialResolver
{
    ValueTask<ProxyCredential> ResolveAsync(string appid, string path, CancellationToken cancellationToken);
}

/// <summary>
/// Every call acts as the app itself, with its access token (an authorizer's token is also an access token under its
/// appid). Still to come with third-party platforms: <c>/cgi-bin/component/...</c> on a platform's appid.
/// </summary>
public sealed class AppAccessTokenResolver : IProxyCredentialResolver
{
    public ValueTask<ProxyCredential> ResolveAsync(string appid, string path, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ProxyCredential(new CredentialKey(appid, CredentialKind.AccessToken), CredentialQuery.AccessToken));
}
