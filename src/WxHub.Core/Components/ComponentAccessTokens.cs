using WxHub.Core.Credentials;
using WxHub.Core.OAuth;

namespace WxHub.Core.Components;

/// <summary>The component access tokens of the platforms WxHub runs, for logins on behalf of their authorizers.</summary>
public sealed class ComponentAccessTokens(ICredentialProvider credentials, IAuthorizerStore authorizers) : IComponentAccessTokenProvider
{
    public async Task<string?> PlatformOfAsync(string appid, CancellationToken cancellationToken = default) =>
        await authorizers.GetAsync(appid, cancellationToken) is { Status: AuthorizerStatus.Authorized } authorizer ? authorizer.ComponentAppid : null;

    public async Task<Outcome<string>> GetAsync(string componentAppid, CancellationToken cancellationToken = default)
    {
        var lookup = await credentials.GetAsync(ComponentAdministration.TokenKey(componentAppid), cancellationToken);
        if (lookup.Found) return lookup.Credential.Value;
        return lookup.Fault.Error == CredentialFault.AppNotFound
            ? new Problem(ProblemKind.NotFound, "component_not_found", ComponentAdministration.NotFound<ComponentRegistration>(componentAppid).Message!)
            : ComponentTokenCalls.Unavailable(lookup.Fault);
    }
}
