using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Emulator.Api;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Hosting;
using WxHub.Emulator.Json;

namespace WxHub.Emulator.Credentials;

/// <summary>
/// Account credentials (reference §1-2): classic and stable access tokens, jsapi and card tickets, quota resets,
/// and the IP lists. Each handler runs under the state lock.
/// </summary>
internal sealed class CredentialEndpoints(EmulatorState state, ApiGuard guard)
{
    /// <summary>The address pushes come from: the emulator's own loopback.</summary>
    private static readonly IReadOnlyList<string> EmulatorIps = ["127.0.0.1"];

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapWeChatGet("/cgi-bin/token", state, Token);
        routes.MapWeChatPost("/cgi-bin/stable_token", state, StableToken);
        routes.MapWeChatGet("/cgi-bin/ticket/getticket", state, Ticket);
        routes.MapWeChatPost("/cgi-bin/clear_quota", state, ClearQuota);
        routes.MapWeChatPost("/cgi-bin/clear_quota/v2", state, ClearQuotaBySecret);
        routes.MapWeChatGet("/cgi-bin/getcallbackip", state, IpList);
        routes.MapWeChatGet("/cgi-bin/get_api_domain_ip", state, IpList);
        routes.MapWeChatPost("/cgi-bin/callback/check", state, CallbackCheck);
    }

    /// <summary>Every call mints a new token; the previous one keeps working for 5 minutes, older ones stop (§1.1, §1.9).</summary>
    private IResult Token(ApiCall call)
    {
        var app = AuthenticateApp(call, call.Query("grant_type"), call.Query("appid"), call.Query("secret"));
        var ttl = state.TokenTtlOf(app);
        var token = state.Credentials.Rotate(new ChainKey(CredentialKind.AccessToken, app.AppId), state.Now, ttl, CredentialBook.OverlapFor(ttl));
        return WeChatResults.Json(new AccessTokenBody(token.Value, token.SecondsLeft(state.Now)), EmulatorJson.Default.AccessTokenBody);
    }

    /// <summary>
    /// Normal mode re-serves the current token until its last 5 minutes, then rotates while the old one runs out.
    /// Force mode rotates with a 5-minute overlap for the previous token (so two forced calls kill a leaked one), at
    /// most 20 times a day and 30 s apart; beyond that it does not refresh and returns the current token (§1.2).
    /// </summary>
    private IResult StableToken(ApiCall call)
    {
        var request = call.ReadJson(EmulatorJson.Default.StableTokenRequest);
        var app = AuthenticateApp(call, request.GrantType, request.AppId, request.Secret);
        var now = state.Now;
        var ttl = state.TokenTtlOf(app);
        var chain = new ChainKey(CredentialKind.StableAccessToken, app.AppId);
        var current = state.Credentials.Latest(chain);

        if (current is null || !current.IsUsable(now))
            current = state.Credentials.Add(chain, now, ttl);
        else if (request.ForceRefresh == true)
        {
            if (ForceLog(app).TryUse(now)) current = state.Credentials.Rotate(chain, now, ttl, CredentialBook.OverlapFor(ttl));
        }
        else if (current.ExpiresAt - now <= CredentialBook.OverlapFor(ttl))
            current = state.Credentials.Add(chain, now, ttl);

        return WeChatResults.Json(new AccessTokenBody(current.Value, current.SecondsLeft(now)), EmulatorJson.Default.AccessTokenBody);
    }

    /// <summary>A new ticket per call with the same 5-minute overlap as tokens (whether WeChat overlaps tickets is unconfirmed).</summary>
    private IResult Ticket(ApiCall call)
    {
        var account = guard.AccessToken(call);
        var kind = call.Query("type") switch
        {
            "jsapi" => CredentialKind.JsApiTicket,
            "wx_card" => CredentialKind.CardTicket,
            _ => throw new WeChatError(WeChatErrors.InvalidArgs, "invalid args, type must be jsapi or wx_card"),
        };
        ApiGuard.AppTypeIs(account.App, AppType.OfficialAccount);
        var ttl = state.TokenTtlOf(account.App);
        var ticket = state.Credentials.Rotate(new ChainKey(kind, account.App.AppId), state.Now, ttl, CredentialBook.OverlapFor(ttl));
        return WeChatResults.Json(new TicketBody(0, "ok", ticket.Value, ticket.SecondsLeft(state.Now)), EmulatorJson.Default.TicketBody);
    }

    /// <summary>
    /// An account's token resets that account's quota; a component token (§1.4) resets the platform's own quota or
    /// an authorizer's. Any other appid in the body gives 40013.
    /// </summary>
    private IResult ClearQuota(ApiCall call)
    {
        var token = state.Credentials.Find(call.Query("access_token") ?? call.Query("component_access_token"));
        string[] allowed;
        if (token?.Kind == CredentialKind.ComponentAccessToken)
        {
            var component = guard.ComponentToken(call, token.AppId);
            allowed = [component.ComponentAppId, .. component.Authorizations.Keys];
        }
        else allowed = [guard.AccessToken(call).App.AppId];

        var request = call.ReadJson(EmulatorJson.Default.ClearQuotaRequest);
        if (request.AppId is null) throw new WeChatError(WeChatErrors.AppIdMissing);
        if (!allowed.Contains(request.AppId)) throw new WeChatError(WeChatErrors.InvalidAppId);
        state.Quotas.Reset(request.AppId, state.Now);
        return WeChatResults.Ok();
    }

    /// <summary>The network check: the emulator resolves and answers from loopback, over one pretend operator.</summary>
    private IResult CallbackCheck(ApiCall call)
    {
        guard.AccessToken(call);
        var request = call.ReadJson(EmulatorJson.Default.CallbackCheckRequest);
        if (request.Action is not ("all" or "dns" or "ping") || request.CheckOperator is not ("DEFAULT" or "CHINANET" or "UNICOM" or "CAP"))
            throw new WeChatError(WeChatErrors.InvalidArgs, "invalid args, action is all, dns or ping and check_operator DEFAULT, CHINANET, UNICOM or CAP");
        var operatorName = request.CheckOperator == "DEFAULT" ? "UNICOM" : request.CheckOperator;
        return WeChatResults.Json(new CallbackCheckBody(
            request.Action == "ping" ? null : [new DnsResult(EmulatorIps[0], operatorName)],
            request.Action == "dns" ? null : [new PingResult(EmulatorIps[0], operatorName, "0%", "0.100ms")]),
            EmulatorJson.Default.CallbackCheckBody);
    }

    /// <summary>appid and appsecret in the query (as SDKs send them) or in a JSON body (as the newest doc shows).</summary>
    private IResult ClearQuotaBySecret(ApiCall call)
    {
        var body = call.ReadOptionalJson(EmulatorJson.Default.ClearQuotaBySecretRequest);
        var app = guard.App(call.Query("appid") ?? body?.AppId);
        ApiGuard.Secret(app.Secret, call.Query("appsecret") ?? body?.Appsecret);
        state.Quotas.Reset(app.AppId, state.Now);
        return WeChatResults.Ok();
    }

    private IResult IpList(ApiCall call)
    {
        guard.AccessToken(call);
        return WeChatResults.Json(new IpListBody(EmulatorIps), EmulatorJson.Default.IpListBody);
    }

    /// <summary>The checks shared by both token endpoints, in WeChat's order; then the whitelist and the day's quota.</summary>
    private AppConfig AuthenticateApp(ApiCall call, string? grantType, string? appId, string? secret)
    {
        if (appId is null) throw new WeChatError(WeChatErrors.AppIdMissing);
        if (secret is null) throw new WeChatError(WeChatErrors.AppSecretMissing);
        if (grantType != "client_credential") throw new WeChatError(WeChatErrors.InvalidGrantType);
        if (state.Components.ContainsKey(appId)) throw new WeChatError(WeChatErrors.ComponentMustUseComponentApi);
        var app = guard.App(appId);
        ApiGuard.Secret(app.Secret, secret);
        ApiGuard.CallerAllowed(app.IpWhitelist, call);
        guard.Quota(app, call);
        return app;
    }

    private ForceRefreshLog ForceLog(AppConfig app)
    {
        if (!state.ForceRefreshes.TryGetValue(app.AppId, out var log)) state.ForceRefreshes[app.AppId] = log = new ForceRefreshLog();
        return log;
    }
}
