using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Emulator.Api;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Credentials;
using WxHub.Emulator.Hosting;
using WxHub.Emulator.Json;
using WxHub.Emulator.Pages;

namespace WxHub.Emulator.OAuth;

/// <summary>
/// Web OAuth and logins (reference §5, §8): the consent pages that hand out single-use codes, the code exchanges,
/// refresh, userinfo, auth, and the mini program's jscode2session.
/// </summary>
internal sealed class OAuthEndpoints(EmulatorState state, ApiGuard guard)
{
    private static readonly string[] WebScopes = ["snsapi_base", "snsapi_userinfo"];
    private static readonly string[] LoginScopes = ["snsapi_login"];

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapWeChatPage("/connect/oauth2/authorize", state, call => Consent(call, AppType.OfficialAccount, WebScopes));
        routes.MapWeChatPage("/connect/qrconnect", state, call => Consent(call, AppType.Website, LoginScopes));
        routes.MapWeChatGet("/sns/oauth2/access_token", state, ExchangeCode);
        routes.MapWeChatGet("/sns/oauth2/refresh_token", state, Refresh);
        routes.MapWeChatGet("/sns/userinfo", state, UserInfo);
        routes.MapWeChatGet("/sns/auth", state, CheckToken);
        routes.MapWeChatGet("/sns/jscode2session", state, JsCodeToSession);
    }

    /// <summary>
    /// The consent page. Approval redirects to <c>redirect_uri?code=CODE&amp;state=STATE</c>, refusal to
    /// <c>redirect_uri?state=STATE</c>. The code is single-use and expires after 5 minutes.
    /// </summary>
    private IResult Consent(ApiCall call, AppType type, string[] scopes)
    {
        var app = state.Apps.GetValueOrDefault(call.Query("appid") ?? "")
            ?? throw new PageProblem("appid is missing or unknown (40013 invalid appid).");
        if (app.Type != type)
            throw new PageProblem($"{app.AppId} is not a {AppRegistrar.TypeName(type)}; this page is for {AppRegistrar.TypeName(type)} apps.");
        var redirect = ConsentPage.RedirectUri(call);
        if (call.Query("response_type") != "code") throw new PageProblem("response_type must be code.");
        var scope = call.Query("scope");
        if (scope is null || !scopes.Contains(scope)) throw new PageProblem($"scope must be {string.Join(" or ", scopes)}.");
        var stateParameter = call.Query("state");
        if (stateParameter is { Length: > 128 } || stateParameter?.All(char.IsAsciiLetterOrDigit) == false)
            throw new PageProblem("state may hold only letters and digits, at most 128 of them.");

        switch (ConsentPage.Decision(call))
        {
            case null:
                return ConsentPage.Show(call, $"{app.Name} asks to sign you in",
                    scope == "snsapi_base" ? "It will learn your OpenID." : "It will learn your OpenID, nickname and avatar.");
            case false:
                return ConsentPage.Redirect(redirect, ("state", stateParameter ?? ""));
        }

        var user = state.Users.GetOrCreate(call.Query(ConsentPage.UserParameter));
        var openId = state.Users.Connect(user, app);
        var code = state.Logins.IssueCode(LoginCodeKind.OAuth, app.AppId, null, user.Id, openId, scope, state.Now);
        return ConsentPage.Redirect(redirect, ("code", code.Code), ("state", stateParameter ?? ""));
    }

    private IResult ExchangeCode(ApiCall call)
    {
        var app = AuthenticateApp(call, call.Query("secret"));
        if (call.Query("grant_type") != "authorization_code") throw new WeChatError(WeChatErrors.InvalidGrantType);
        var code = state.Logins.Redeem(call.Query("code"), LoginCodeKind.OAuth, app.AppId, null, state.Now);
        var grant = state.Logins.Grant(code, state.Credentials.Issue(CredentialKind.OAuthAccessToken, app.AppId, state.Now, state.TokenTtlOf(app)), state.Now);
        return TokenBody(app, grant);
    }

    /// <summary>A still-valid user token is returned again with its lifetime extended; an expired one is replaced.</summary>
    private IResult Refresh(ApiCall call)
    {
        var app = guard.App(call.Query("appid"));
        if (call.Query("grant_type") != "refresh_token") throw new WeChatError(WeChatErrors.InvalidGrantType);
        var grant = state.Logins.ByRefreshToken(call.Query("refresh_token"), app.AppId, state.Now);
        var ttl = state.TokenTtlOf(app);
        if (grant.AccessToken.IsUsable(state.Now)) grant.AccessToken.ExpiresAt = state.Now + ttl;
        else state.Logins.Reissue(grant, state.Credentials.Issue(CredentialKind.OAuthAccessToken, app.AppId, state.Now, ttl));
        return TokenBody(app, grant);
    }

    private IResult UserInfo(ApiCall call)
    {
        var grant = UserGrant(call);
        if (grant.Scope == "snsapi_base") throw new WeChatError(WeChatErrors.ApiUnauthorized);
        var user = state.Users.Find(grant.UserId)!;
        var app = state.Apps[grant.AppId];
        return WeChatResults.Json(
            new SnsUserInfoBody(grant.OpenId, user.Nickname, 0, "", "", "", "", [], state.Users.UnionIdIn(user, app)),
            EmulatorJson.Default.SnsUserInfoBody);
    }

    private IResult CheckToken(ApiCall call)
    {
        UserGrant(call);
        return WeChatResults.Ok();
    }

    /// <summary>A mini program login: the code from <c>POST /__emulator/apps/{appid}/jscode</c> (wx.login) for an OpenID and a session key.</summary>
    private IResult JsCodeToSession(ApiCall call)
    {
        var app = AuthenticateApp(call, call.Query("secret"));
        if (app.Type != AppType.MiniProgram) throw new WeChatError(WeChatErrors.InvalidAppId);
        if (call.Query("grant_type") != "authorization_code") throw new WeChatError(WeChatErrors.InvalidGrantType);
        var code = state.Logins.Redeem(call.Query("js_code"), LoginCodeKind.JsCode, app.AppId, null, state.Now);
        var user = state.Users.Find(code.UserId)!;
        return WeChatResults.Json(
            new SessionBody(code.OpenId, state.SessionKeys.Issue(app.AppId, user.Id), state.Users.UnionIdIn(user, app)),
            EmulatorJson.Default.SessionBody);
    }

    private AppConfig AuthenticateApp(ApiCall call, string? secret)
    {
        var app = guard.App(call.Query("appid"));
        ApiGuard.Secret(app.Secret, secret);
        ApiGuard.CallerAllowed(app.IpWhitelist, call);
        return app;
    }

    /// <summary>The grant behind a user access token: 41001 missing, 40014 unknown, 42001 expired, 40003 for another OpenID.</summary>
    private OAuthGrant UserGrant(ApiCall call)
    {
        var value = call.Query("access_token") ?? throw new WeChatError(WeChatErrors.AccessTokenMissing);
        var token = state.Credentials.Find(value);
        if (token?.Kind != CredentialKind.OAuthAccessToken) throw new WeChatError(WeChatErrors.InvalidAccessToken);
        if (token.Problem(state.Now) is { } problem) throw new WeChatError(problem);
        var grant = state.Logins.ByAccessToken(value)!;
        if (call.Query("openid") != grant.OpenId) throw new WeChatError(WeChatErrors.InvalidOpenId);
        return grant;
    }

    /// <summary>The UnionID comes with snsapi_userinfo and snsapi_login, never with snsapi_base (the stricter reading of §5.2).</summary>
    private IResult TokenBody(AppConfig app, OAuthGrant grant)
    {
        var unionId = grant.Scope == "snsapi_base" ? null : state.Users.UnionIdIn(state.Users.Find(grant.UserId)!, app);
        return WeChatResults.Json(
            new OAuthTokenBody(grant.AccessToken.Value, grant.AccessToken.SecondsLeft(state.Now), grant.RefreshToken, grant.OpenId, grant.Scope, unionId),
            EmulatorJson.Default.OAuthTokenBody);
    }
}
