using WxHub.Core.Identity;
using WxHub.Core.WeChat;
using WxHub.Protocol.Errors;
using WxHub.Protocol.OAuth;

namespace WxHub.Core.OAuth;

/// <summary>
/// A fresh profile of someone who signed in with a profile scope, read with the stored OAuth tokens: the access token
/// while it lives, else a new one from the 30-day refresh token (the app's secret is not needed for that).
/// </summary>
public sealed class OAuthProfileRefresh(
    IOAuthGrantStore grants,
    WeChatIdentityClient wechat,
    LoginClients clients,
    UserDirectory directory,
    TimeProvider time)
{
    public async Task<Outcome<SignIn>> GetAsync(string appid, string openid, CancellationToken cancellationToken)
    {
        var grant = await grants.GetAsync(appid, openid, cancellationToken);
        if (grant is null || !OAuthScopes.AllowsUserInfo(grant.Scope))
            return new Problem(ProblemKind.NotFound, "no_grant", $"'{openid}' has not signed in to {appid} with snsapi_userinfo or snsapi_login, so WxHub holds no token to read their profile with. Send them through GET /oauth/{appid}/authorize?scope=snsapi_userinfo.");

        var now = time.GetUtcNow();
        if (grant.AccessTokenExpiresAt <= now)
        {
            if (grant.RefreshTokenExpiresAt <= now) return Expired(appid, openid, null);
            var client = await clients.ResolveAsync(appid, grant.ComponentAppid, [LoginClients.AppTypeFor(grant.Scope)], cancellationToken);
            if (!client.Succeeded) return client.Problem;
            var refreshed = await wechat.RefreshAsync(client.Value, grant.RefreshToken, cancellationToken);
            if (!refreshed.Succeeded)
                return refreshed.Problem.ErrCode is WeChatErrorCodes.InvalidRefreshToken or WeChatErrorCodes.RefreshTokenExpired or WeChatErrorCodes.UserChangedPassword ? Expired(appid, openid, refreshed.Problem.ErrCode) : refreshed.Problem;
            var token = refreshed.Value;
            if (string.IsNullOrEmpty(token.AccessToken))
                return new Problem(ProblemKind.Upstream, WeChatIdentityClient.WeChatErrorCode, "WeChat's answer to the token refresh lacked the access token.");
            grant = grant with
            {
                AccessToken = token.AccessToken,
                AccessTokenExpiresAt = now.AddSeconds(token.ExpiresIn ?? 0),
                RefreshToken = string.IsNullOrEmpty(token.RefreshToken) ? grant.RefreshToken : token.RefreshToken,
            };
            await grants.SaveAsync(grant, cancellationToken);
        }

        var profile = await wechat.GetSnsUserInfoAsync(grant.AccessToken, openid, cancellationToken);
        if (!profile.Succeeded) return profile.Problem;
        var user = profile.Value;
        await directory.RecordAsync([new IdentitySighting(appid, openid, user.Unionid, user)], cancellationToken);
        return new SignIn(appid, openid, user.Unionid, grant.Scope, user);
    }

    private static Problem Expired(string appid, string openid, int? errcode) => new(ProblemKind.Conflict, "grant_expired",
        $"The web authorization of '{openid}' has run out (refresh tokens live 30 days) or was revoked. Send them through GET /oauth/{appid}/authorize again.", errcode);
}
