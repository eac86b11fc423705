using WxHub.Core.Apps;
using WxHub.Core.WeChat;
using WxHub.Protocol.Errors;

namespace WxHub.Core.Credentials;

/// <summary>Obtains a new credential from WeChat in the way its kind and the app's token mode call for.</summary>
public sealed class CredentialSource(WeChatApiClient wechat, ForceRefreshBudget forceRefresh)
{
    /// <param name="replacing">The value a caller reported as rejected, when this fetch is an invalidation of the current value.</param>
    /// <param name="tokens">Where a ticket fetch gets (and compare-and-refreshes) the app's access token.</param>
    public async Task<FetchResult> FetchAsync(
        CredentialKey key, AppRegistration app, string? replacing, ICredentialProvider tokens, CancellationToken cancellationToken)
    {
        switch (key.Kind)
        {
            case CredentialKind.AccessToken when app.TokenMode == TokenMode.Classic:
                return new(await wechat.GetTokenAsync(app.Appid, app.Secret, cancellationToken), "token (classic)");
            case CredentialKind.AccessToken:
                // Normal mode leaves tokens other parties hold alone; only a token reported rejected justifies forcing.
                var force = replacing is not null && await forceRefresh.TryTakeAsync(app.Appid, cancellationToken);
                return new(await wechat.GetStableTokenAsync(app.Appid, app.Secret, force, cancellationToken),
                    force ? "stable_token, force_refresh" : replacing is null ? "stable_token" : "stable_token (force_refresh not allowed now)");
            case CredentialKind.JsapiTicket:
                return await FetchTicketAsync(key, WeChatApiClient.JsapiTicket, tokens, cancellationToken);
            case CredentialKind.WxCardTicket:
                return await FetchTicketAsync(key, WeChatApiClient.WxCardTicket, tokens, cancellationToken);
            default:
                throw new ArgumentOutOfRangeException(nameof(key), key.Kind, "Unknown credential kind.");
        }
    }

    private async Task<FetchResult> FetchTicketAsync(CredentialKey key, string type, ICredentialProvider tokens, CancellationToken cancellationToken)
    {
        var tokenKey = key with { Kind = CredentialKind.AccessToken };
        var token = await tokens.GetAsync(tokenKey, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            if (!token.Found) return new(null, $"getticket {type}", token.Fault);
            var result = await wechat.GetTicketAsync(key.Appid, token.Credential.Value, type, cancellationToken);
            if (attempt > 0 || result.Failure?.ErrCode is not { } errcode || !WeChatErrorCatalog.IsTokenInvalid(errcode))
            {
                return new(result, $"getticket {type}");
            }
            // WeChat no longer takes the token we hold: replace it (compare-and-refresh) and ask once more.
            token = await tokens.InvalidateAsync(tokenKey, token.Credential.Value, cancellationToken);
        }
    }
}

/// <summary>
/// What a fetch produced: WeChat's result, or (for a ticket) the fault of the access token it needed. <see cref="Method"/>
/// says which call was made, for the refresh event.
/// </summary>
public sealed record FetchResult(UpstreamResult? Upstream, string Method, CredentialFault? TokenFault = null);
