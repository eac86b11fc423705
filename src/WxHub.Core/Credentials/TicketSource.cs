using WxHub.Core.WeChat;
using WxHub.Protocol.Errors;

namespace WxHub.Core.Credentials;

/// <summary>
/// jsapi and wx_card tickets of any account WxHub holds an access token for (a registered app or an authorizer),
/// fetched with that token. Tickets are kept fresh only once someone asked for them, so none is held from start-up
/// unless the store has one.
/// </summary>
public sealed class TicketSource(WeChatApiClient wechat) : ICredentialSource
{
    public async Task<FetchResult?> FetchAsync(CredentialKey key, string? replacing, ICredentialProvider credentials, CancellationToken cancellationToken)
    {
        var type = key.Kind switch
        {
            CredentialKind.JsapiTicket => WeChatApiClient.JsapiTicket,
            CredentialKind.WxCardTicket => WeChatApiClient.WxCardTicket,
            _ => null,
        };
        if (type is null) return null;

        var tokenKey = key with { Kind = CredentialKind.AccessToken };
        var token = await credentials.GetAsync(tokenKey, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            if (!token.Found) return token.Fault.Error == CredentialFault.AppNotFound ? null : new(null, $"getticket {type}", token.Fault);
            var result = await wechat.GetTicketAsync(key.Appid, token.Credential.Value, type, cancellationToken);
            if (attempt > 0 || result.Failure?.ErrCode is not { } errcode || !WeChatErrorCatalog.IsTokenInvalid(errcode))
            {
                return new(result, $"getticket {type}");
            }
            // WeChat no longer takes the token we hold: replace it (compare-and-refresh) and ask once more.
            token = await credentials.InvalidateAsync(tokenKey, token.Credential.Value, cancellationToken);
        }
    }

    public Task<IReadOnlyList<CredentialKey>> KeptFreshAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CredentialKey>>([]);
}
