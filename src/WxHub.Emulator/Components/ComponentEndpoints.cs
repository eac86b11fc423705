using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Emulator.Api;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Credentials;
using WxHub.Emulator.Hosting;
using WxHub.Emulator.Json;

namespace WxHub.Emulator.Components;

/// <summary>The third-party platform APIs (reference §4.2-4.9, §1.4). Each handler runs under the state lock.</summary>
internal sealed class ComponentEndpoints(EmulatorState state, ApiGuard guard, ComponentAuthorizations authorizations, TicketScheduler tickets)
{
    public const int AuthorizerListLimit = 500;

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapWeChatPost("/cgi-bin/component/api_start_push_ticket", state, StartPushTicket);
        routes.MapWeChatPost("/cgi-bin/component/api_component_token", state, ComponentToken);
        routes.MapWeChatPost("/cgi-bin/component/api_create_preauthcode", state, CreatePreAuthCode);
        routes.MapWeChatPost("/cgi-bin/component/api_query_auth", state, QueryAuth);
        routes.MapWeChatPost("/cgi-bin/component/api_authorizer_token", state, AuthorizerToken);
        routes.MapWeChatPost("/cgi-bin/component/api_get_authorizer_info", state, AuthorizerInfo);
        routes.MapWeChatPost("/cgi-bin/component/api_get_authorizer_list", state, AuthorizerList);
        routes.MapWeChatPost("/cgi-bin/component/clear_quota/v2", state, ClearQuota);
    }

    private IResult StartPushTicket(ApiCall call)
    {
        var request = call.ReadJson(EmulatorJson.Default.StartPushTicketRequest);
        var component = guard.Component(request.ComponentAppId, WeChatErrors.InvalidAppId);
        ApiGuard.Secret(component.Config.Secret, request.ComponentSecret);
        tickets.StartNow(component);
        return WeChatResults.Ok();
    }

    /// <summary>Needs a ticket the platform was pushed in the last 12 hours: 61006 for an unknown one, 61005 for an older one.</summary>
    private IResult ComponentToken(ApiCall call)
    {
        var request = call.ReadJson(EmulatorJson.Default.ComponentTokenRequest);
        var component = guard.Component(request.ComponentAppId);
        ApiGuard.Secret(component.Config.Secret, request.ComponentAppSecret);
        ApiGuard.CallerAllowed(component.Config.IpWhitelist, call, WeChatErrors.ComponentIpNotRegistered);
        if (request.ComponentVerifyTicket is not { } ticket || !component.Tickets.TryGetValue(ticket, out var pushedAt))
            throw new WeChatError(WeChatErrors.ComponentTicketInvalid);
        if (pushedAt + ComponentState.TicketLifetime <= state.Now) throw new WeChatError(WeChatErrors.ComponentTicketExpired);

        var ttl = component.Config.TokenTtl ?? state.Options.TokenTtl;
        var token = state.Credentials.Rotate(new ChainKey(CredentialKind.ComponentAccessToken, component.ComponentAppId), state.Now, ttl, CredentialBook.OverlapFor(ttl));
        return WeChatResults.Json(new ComponentTokenBody(token.Value, token.SecondsLeft(state.Now)), EmulatorJson.Default.ComponentTokenBody);
    }

    private IResult CreatePreAuthCode(ApiCall call)
    {
        var request = call.ReadJson(EmulatorJson.Default.ComponentRequest);
        var component = guard.ComponentToken(call, request.ComponentAppId);
        var code = authorizations.IssuePreAuthCode(component);
        return WeChatResults.Json(new PreAuthCodeBody(code.Value, (int)ComponentAuthorizations.PreAuthCodeLifetime.TotalSeconds), EmulatorJson.Default.PreAuthCodeBody);
    }

    /// <summary>Trades the authorization code (single-use, 61010 otherwise) for the authorizer's tokens.</summary>
    private IResult QueryAuth(ApiCall call)
    {
        var request = call.ReadJson(EmulatorJson.Default.QueryAuthRequest);
        var component = guard.ComponentToken(call, request.ComponentAppId);
        if (request.AuthorizationCode is null || !component.AuthorizationCodes.TryGetValue(request.AuthorizationCode, out var code) || !code.IsUsable(state.Now))
            throw new WeChatError(WeChatErrors.AuthCodeExpired);
        code.Used = true;
        var app = guard.AuthorizedApp(component, code.AppId);
        var token = IssueAuthorizerToken(component, app);
        var authorization = component.Authorizations[app.AppId];
        return WeChatResults.Json(
            new QueryAuthBody(new AuthorizationInfo(app.AppId, token.Value, token.SecondsLeft(state.Now), authorization.RefreshToken, authorization.Functions)),
            EmulatorJson.Default.QueryAuthBody);
    }

    /// <summary>
    /// A new authorizer token per call (previous one overlaps 5 minutes). The refresh token stays the same, as observed
    /// of WeChat, unless the platform was registered with <c>rotate_refresh_tokens</c>: then each call issues a new one
    /// and the one presented stops working.
    /// </summary>
    private IResult AuthorizerToken(ApiCall call)
    {
        var request = call.ReadJson(EmulatorJson.Default.AuthorizerTokenRequest);
        var component = guard.ComponentToken(call, request.ComponentAppId);
        var app = guard.AuthorizedApp(component, request.AuthorizerAppId);
        var authorization = component.Authorizations[app.AppId];
        if (request.AuthorizerRefreshToken is null || !ApiGuard.SecretsEqual(authorization.RefreshToken, request.AuthorizerRefreshToken))
            throw new WeChatError(WeChatErrors.AuthorizerRefreshTokenInvalid);
        if (component.Config.RotateRefreshTokens)
            component.Authorizations[app.AppId] = authorization = authorization with { RefreshToken = "refreshtoken@@@" + CredentialBook.Base64Url(36) };
        var token = IssueAuthorizerToken(component, app);
        return WeChatResults.Json(
            new AuthorizerTokenBody(token.Value, token.SecondsLeft(state.Now), authorization.RefreshToken),
            EmulatorJson.Default.AuthorizerTokenBody);
    }

    private IResult AuthorizerInfo(ApiCall call)
    {
        var request = call.ReadJson(EmulatorJson.Default.AuthorizerRequest);
        var component = guard.ComponentToken(call, request.ComponentAppId);
        var app = guard.AuthorizedApp(component, request.AuthorizerAppId);
        var isMiniProgram = app.Type == AppType.MiniProgram;
        var info = new AuthorizerInfo(
            app.Name,
            $"http://wx.qlogo.cn/mmopen/{app.OriginalId}/0",
            new TypeInfo(isMiniProgram ? 0 : 2),
            new TypeInfo(0),
            app.OriginalId,
            $"{app.Name} Co., Ltd.",
            "",
            new BusinessInfo(0, 0, 0, 0, 0),
            $"http://mmbiz.qpic.cn/mmbiz_jpg/{app.OriginalId}/0",
            isMiniProgram ? "" : null,
            isMiniProgram ? new MiniProgramInfo(new MiniProgramNetwork([], [], [], []), []) : null);
        var authorization = component.Authorizations[app.AppId];
        return WeChatResults.Json(
            new AuthorizerInfoBody(info, new AuthorizationInfo(app.AppId, null, null, authorization.RefreshToken, authorization.Functions)),
            EmulatorJson.Default.AuthorizerInfoBody);
    }

    /// <summary>Pages through the authorizers in the order they authorized; <c>count</c> above 500 gives 40170.</summary>
    private IResult AuthorizerList(ApiCall call)
    {
        var request = call.ReadJson(EmulatorJson.Default.AuthorizerListRequest);
        var component = guard.ComponentToken(call, request.ComponentAppId);
        var (offset, count) = (request.Offset ?? 0, request.Count ?? 0);
        if (count > AuthorizerListLimit) throw new WeChatError(WeChatErrors.CountLimitExceeded);
        if (offset < 0 || count < 1) throw new WeChatError(WeChatErrors.InvalidArgs, "invalid args, offset must be 0 or more and count 1 to 500");
        var all = component.Authorizations.Values.OrderBy(a => a.AuthTime).ToList();
        var page = all.Skip(offset).Take(count)
            .Select(a => new AuthorizerListItem(a.AppId, a.RefreshToken, a.AuthTime.ToUnixTimeSeconds()))
            .ToList();
        return WeChatResults.Json(new AuthorizerListBody(all.Count, page), EmulatorJson.Default.AuthorizerListBody);
    }

    /// <summary>Resets the platform's own quota, or with <c>appid</c> an authorizer's, from the same 10-a-month pool.</summary>
    private IResult ClearQuota(ApiCall call)
    {
        var request = call.ReadJson(EmulatorJson.Default.ComponentClearQuotaRequest);
        var component = guard.Component(request.ComponentAppId);
        ApiGuard.Secret(component.Config.Secret, request.Appsecret);
        var target = request.AppId is null ? component.ComponentAppId : guard.AuthorizedApp(component, request.AppId).AppId;
        state.Quotas.Reset(target, state.Now);
        return WeChatResults.Ok();
    }

    private IssuedCredential IssueAuthorizerToken(ComponentState component, AppConfig app)
    {
        var ttl = state.TokenTtlOf(app);
        return state.Credentials.Rotate(
            new ChainKey(CredentialKind.AuthorizerAccessToken, app.AppId, component.ComponentAppId), state.Now, ttl, CredentialBook.OverlapFor(ttl));
    }
}
