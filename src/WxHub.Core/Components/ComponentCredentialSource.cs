using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxHub.Core.Credentials;
using WxHub.Core.WeChat;
using WxHub.Protocol.Errors;

namespace WxHub.Core.Components;

/// <summary>
/// The credentials of third-party platforms: each platform's component access token (from the last ticket WeChat
/// pushed, never an expired one) and the access tokens of its authorizers (from their stored refresh tokens). A
/// refresh token WeChat changes is stored before the new access token is handed back; one the process died before
/// storing is recovered from <c>api_get_authorizer_info</c> when WeChat refuses the stored one.
/// </summary>
public sealed partial class ComponentCredentialSource(
    IComponentStore components,
    IAuthorizerStore authorizers,
    ComponentTickets tickets,
    ComponentApiClient api,
    IOptions<ComponentOptions> options,
    TimeProvider time,
    ILogger<ComponentCredentialSource> logger) : ICredentialSource
{
    public Task<FetchResult?> FetchAsync(CredentialKey key, string? replacing, ICredentialProvider credentials, CancellationToken cancellationToken) =>
        key.Kind switch
        {
            CredentialKind.ComponentAccessToken => FetchComponentTokenAsync(key.Appid, cancellationToken),
            CredentialKind.AccessToken => FetchAuthorizerTokenAsync(key.Appid, credentials, cancellationToken),
            _ => Task.FromResult<FetchResult?>(null),
        };

    public async Task<IReadOnlyList<CredentialKey>> KeptFreshAsync(CancellationToken cancellationToken)
    {
        var platforms = (await components.ListAsync(cancellationToken)).Select(c => new CredentialKey(c.ComponentAppid, CredentialKind.ComponentAccessToken));
        var accounts = (await authorizers.ListActiveAppidsAsync(cancellationToken)).Select(appid => new CredentialKey(appid, CredentialKind.AccessToken));
        return platforms.Concat(accounts).ToList();
    }

    private async Task<FetchResult?> FetchComponentTokenAsync(string componentAppid, CancellationToken cancellationToken)
    {
        if (await components.GetAsync(componentAppid, cancellationToken) is not { } component) return null;
        const string method = "api_component_token";
        if (await tickets.CurrentAsync(componentAppid, cancellationToken) is not { } ticket)
        {
            await tickets.RequestPushAsync(component, cancellationToken);
            var now = time.GetUtcNow();
            return new(null, method, new CredentialFault("no_component_ticket",
                $"WxHub has no component_verify_ticket of the last 12 hours for platform {componentAppid}, so it cannot obtain its component access token. " +
                $"WeChat was asked to push one (api_start_push_ticket); check that the platform's authorization event URL points at /wechat/component/{componentAppid}/events.",
                // No backoff: a read finds the ticket as soon as it is stored, and without one WeChat is not called.
                null, now, now));
        }

        var result = await api.GetComponentTokenAsync(componentAppid, component.Secret, ticket, cancellationToken);
        // A ticket WeChat no longer takes: ask for a new one, so the retry has it.
        if (result.Failure?.ErrCode is WeChatErrorCodes.ComponentTicketExpired or WeChatErrorCodes.ComponentTicketInvalid)
            await tickets.RequestPushAsync(component, cancellationToken);
        return new(result, method);
    }

    private async Task<FetchResult?> FetchAuthorizerTokenAsync(string appid, ICredentialProvider credentials, CancellationToken cancellationToken)
    {
        if (await authorizers.GetAsync(appid, cancellationToken) is not { Status: AuthorizerStatus.Authorized, RefreshToken: { } refreshToken } authorizer) return null;
        const string method = "api_authorizer_token";
        var componentKey = new CredentialKey(authorizer.ComponentAppid, CredentialKind.ComponentAccessToken);
        var componentToken = await credentials.GetAsync(componentKey, cancellationToken);
        bool renewedComponentToken = false, recoveredRefreshToken = false;
        while (true)
        {
            if (!componentToken.Found) return new(null, method, componentToken.Fault);
            var call = await api.GetAuthorizerTokenAsync(authorizer.ComponentAppid, componentToken.Credential.Value, appid, refreshToken, cancellationToken);
            if (!call.Succeeded)
            {
                if (!renewedComponentToken && call.Failure.ErrCode is { } errcode && WeChatErrorCatalog.IsTokenInvalid(errcode))
                {
                    renewedComponentToken = true;
                    componentToken = await credentials.InvalidateAsync(componentKey, componentToken.Credential.Value, cancellationToken);
                    continue;
                }
                if (!recoveredRefreshToken && call.Failure.ErrCode == WeChatErrorCodes.AuthorizerRefreshTokenInvalid
                    && await RecoverRefreshTokenAsync(authorizer, refreshToken, componentToken.Credential.Value, cancellationToken) is { } current)
                {
                    recoveredRefreshToken = true;
                    refreshToken = current;
                    continue;
                }
                return new(UpstreamResult.Fail(call.Failure.Kind, call.Failure.ErrCode, call.Failure.Detail), method);
            }

            var answer = call.Answer;
            if (answer.AuthorizerRefreshToken is { Length: > 0 } next && next != refreshToken)
            {
                // Durable before the new access token is stored or served: WeChat may have retired the old one.
                var audit = new AuthorizerEvent(authorizer.ComponentAppid, appid, time.GetUtcNow(), "refresh_token_rotated", "api_authorizer_token returned a new refresh token");
                if (!await authorizers.ReplaceRefreshTokenAsync(appid, refreshToken, next, audit, cancellationToken)) LogGrantChangedMeanwhile(appid);
            }
            return new(ComponentApiClient.Issue(answer.AuthorizerAccessToken, answer.ExpiresIn, WeChatEndpoints.AuthorizerToken), method,
                EarlyRefresh: options.Value.AuthorizerRefreshSpread);
        }
    }

    /// <summary>
    /// WeChat refused the stored refresh token (61023): it may have issued a new one in an answer that never got stored
    /// (the process died first). <c>api_get_authorizer_info</c> names the current one; a different one is stored and
    /// returned, to try once more. Null when WeChat holds no other (the grant was revoked or replaced).
    /// </summary>
    private async Task<string?> RecoverRefreshTokenAsync(Authorizer authorizer, string refused, string componentToken, CancellationToken cancellationToken)
    {
        var info = await api.GetAuthorizerInfoAsync(authorizer.ComponentAppid, componentToken, authorizer.Appid, cancellationToken);
        if (!info.Succeeded || info.Answer.AuthorizationInfo?.AuthorizerRefreshToken is not { Length: > 0 } current || current == refused) return null;
        var audit = new AuthorizerEvent(authorizer.ComponentAppid, authorizer.Appid, time.GetUtcNow(), "refresh_token_recovered",
            "api_authorizer_token refused the stored refresh token (61023); api_get_authorizer_info gave the current one");
        if (!await authorizers.ReplaceRefreshTokenAsync(authorizer.Appid, refused, current, audit, cancellationToken)) return null;
        LogRefreshTokenRecovered(authorizer.Appid);
        return current;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeChat refused the stored refresh token of authorizer {Appid}; the current one from api_get_authorizer_info is stored")]
    private partial void LogRefreshTokenRecovered(string appid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The grant of authorizer {Appid} changed while its token was refreshed (re-authorized or revoked); the stored refresh token was left as it is")]
    private partial void LogGrantChangedMeanwhile(string appid);
}
