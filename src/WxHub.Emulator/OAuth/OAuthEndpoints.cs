using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Emulator.Api;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Components;
using WxHub.Emulator.Credentials;
using WxHub.Emulator.Hosting;
using WxHub.Emulator.Json;
using WxHub.Emulator.Pages;

namespace WxHub.Emulator.OAuth;

/// <summary>
/// Web OAuth and logins (reference §5, §8): the consent pages that hand out single-use codes, the code exchanges,
/// refresh, userinfo, auth, and the mini program's jscode2session; each also in the variant a third-party platform
/// uses for an account that authorized it (§5.6, §8.2), which takes the component token instead of the secret.
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
        routes.MapWeChatGet("/sns/oauth2/component/access_token", state, ExchangeCodeForComponent);
        routes.MapWeChatGet("/sns/oauth2/component/refresh_token", state, RefreshForComponent);
        routes.MapWeChatGet("/sns/component/jscode2session", state, JsCodeToSessionForComponent);
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
        var component = call.Query("component_appid") is { } componentAppId
            ? state.Components.GetValueOrDefault(componentAppId) ?? throw new PageProblem("component_appid is not a registered third-party platform.")
            : null;
        if (component is not null && !component.Authorizations.ContainsKey(app.AppId))
            throw new PageProblem($"{app.AppId} has not authorized {component.ComponentAppId} (61003).");
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
        var code = state.Logins.IssueCode(LoginCodeKind.OAuth, app.AppId, component?.ComponentAppId, user.Id, openId, scope, state.Now);
        return ConsentPage.Redirect(redirect, ("code", code.Code), ("state", stateParameter ?? ""), ("appid", component is null ? null : app.AppId));
    }

    private IResult ExchangeCode(ApiCall call) =>
        Exchange(AuthenticateApp(call), call, null);

    private IResult ExchangeCodeForComponent(ApiCall call)
    {
        var (component, app) = ActingComponent(call);
        return Exchange(app, call, component.ComponentAppId);
    }

    private IResult Exchange(AppConfig app, ApiCall call, string? componentAppId)
    {
        if (call.Query("grant_type") != "authorization_code") throw new WeChatError(WeChatErrors.InvalidGrantType);
        var code = state.Logins.Redeem(call.Query("code"), LoginCodeKind.OAuth, app.AppId, componentAppId, state.Now);
        var grant = state.Logins.Grant(code, state.Credentials.Issue(CredentialKind.OAuthAccessToken, app.AppId, state.Now, state.TokenTtlOf(app)), state.Now);
        return TokenBody(app, grant);
    }

    private IResult Refresh(ApiCall call) => Refresh(guard.App(call.Query("appid")), call, null);

    private IResult RefreshForComponent(ApiCall call)
    {
        var (component, app) = ActingComponent(call);
        return Refresh(app, call, component.ComponentAppId);
    }

    /// <summary>A still-valid user token is returned again with its lifetime extended; an expired one is replaced.</summary>
    private IResult Refresh(AppConfig app, ApiCall call, string? componentAppId)
    {
        if (call.Query("grant_type") != "refresh_token") throw new WeChatError(WeChatErrors.InvalidGrantType);
        var grant = state.Logins.ByRefreshToken(call.Query("refresh_token"), app.AppId, componentAppId, state.Now);
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
    private IResult JsCodeToSession(ApiCall call) => Session(AuthenticateApp(call), call);

    private IResult JsCodeToSessionForComponent(ApiCall call) => Session(ActingComponent(call).App, call);

    private IResult Session(AppConfig app, ApiCall call)
    {
        if (app.Type != AppType.MiniProgram) throw new WeChatError(WeChatErrors.InvalidAppId);
        if (call.Query("grant_type") != "authorization_code") throw new WeChatError(WeChatErrors.InvalidGrantType);
        var code = state.Logins.Redeem(call.Query("js_code"), LoginCodeKind.JsCode, app.AppId, null, state.Now);
        var user = state.Users.Find(code.UserId)!;
        return WeChatResults.Json(
            new SessionBody(code.OpenId, state.SessionKeys.Issue(app.AppId, user.Id), state.Users.UnionIdIn(user, app)),
            EmulatorJson.Default.SessionBody);
    }

    /// <summary>The platform (by its component token) and the account it acts for, which must have authorized it (61003).</summary>
    private (ComponentState Component, AppConfig App) ActingComponent(ApiCall call)
    {
        var component = guard.ComponentToken(call, call.Query("component_appid"));
        return (component, guard.AuthorizedApp(component, call.Query("appid")));
    }

    private AppConfig AuthenticateApp(ApiCall call)
    {
        var app = guard.App(call.Query("appid"));
        ApiGuard.Secret(app.Secret, call.Query("secret"));
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
