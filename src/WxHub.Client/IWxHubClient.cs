namespace WxHub.Client;

/// <summary>WxHub's business API. Tokens and tickets are cached in the process until shortly before they expire.</summary>
public interface IWxHubClient
{
    /// <summary>The app's access token (<c>GET /v1/apps/{appid}/access-token</c>).</summary>
    Task<AccessToken> GetAccessTokenAsync(string appid, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reports a token WeChat refused (40001, 40014, 42001) and returns the current one
    /// (<c>POST /v1/apps/{appid}/access-token/invalidate</c>). WxHub replaces it only if it is still current, so many
    /// callers reporting the same token cost one refresh.
    /// </summary>
    Task<AccessToken> InvalidateAccessTokenAsync(string appid, string rejected, CancellationToken cancellationToken = default);

    Task<Ticket> GetTicketAsync(string appid, TicketType type, CancellationToken cancellationToken = default);

    Task<Ticket> InvalidateTicketAsync(string appid, TicketType type, string rejected, CancellationToken cancellationToken = default);

    /// <summary>The signature for <c>wx.config</c> on the page at <paramref name="url"/> (its #fragment is dropped).</summary>
    Task<JsSdkConfig> GetJsSdkConfigAsync(string appid, string url, IReadOnlyList<string>? jsApiList = null, CancellationToken cancellationToken = default);

    /// <summary>Redeems the one-time <c>wxhub_code</c> WxHub's OAuth redirect handed the business (<c>POST /v1/oauth/exchange</c>).</summary>
    Task<SignIn> ExchangeSignInCodeAsync(string wxhubCode, CancellationToken cancellationToken = default);

    /// <summary>Signs in with WeChat's own OAuth code, for businesses that run the redirect themselves (<c>POST /v1/apps/{appid}/oauth/code</c>).</summary>
    Task<SignIn> ExchangeWeChatCodeAsync(string appid, string code, string? componentAppid = null, CancellationToken cancellationToken = default);

    /// <summary>A user of the app with their UnionID (<c>GET /v1/apps/{appid}/users/{openid}</c>).</summary>
    Task<DirectoryUser> GetUserAsync(string appid, string openid, CancellationToken cancellationToken = default);

    /// <summary>Every (appid, openid) of one person the key may see (<c>GET /v1/users/by-unionid/{unionid}</c>).</summary>
    Task<UnionIdIdentities> GetUsersByUnionIdAsync(string unionid, CancellationToken cancellationToken = default);
}
