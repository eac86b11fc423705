using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Components;
using WxHub.Emulator.Credentials;
using WxHub.Emulator.Hosting;

namespace WxHub.Emulator.Api;

/// <summary>The checks WeChat makes before an API does anything, each throwing the error WeChat gives. Callers hold the state lock.</summary>
internal sealed class ApiGuard(EmulatorState state)
{
    private static readonly CredentialKind[] AccountTokenKinds =
        [CredentialKind.AccessToken, CredentialKind.StableAccessToken, CredentialKind.AuthorizerAccessToken];

    public AppConfig App(string? appId)
    {
        if (appId is null) throw new WeChatError(WeChatErrors.AppIdMissing);
        return state.Apps.GetValueOrDefault(appId) ?? throw new WeChatError(WeChatErrors.InvalidAppId);
    }

    /// <summary>A wrong secret gives 40125 when it is not even shaped like one (32 hex digits), 40001 when it is.</summary>
    public static void Secret(string expected, string? given)
    {
        if (given is null) throw new WeChatError(WeChatErrors.AppSecretMissing);
        if (SecretsEqual(expected, given)) return;
        throw new WeChatError(given.Length == 32 && given.All(char.IsAsciiHexDigit)
            ? WeChatErrors.InvalidCredential
            : WeChatErrors.InvalidAppSecret);
    }

    public static bool SecretsEqual(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));

    /// <summary>40164 naming the caller's address the way WeChat does.</summary>
    public static void CallerAllowed(IpAllowList whitelist, ApiCall call, int errcode = WeChatErrors.IpNotInWhitelist)
    {
        var ip = call.RemoteIp;
        if (whitelist.Allows(ip)) return;
        var v4 = ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
        var named = v4.AddressFamily == AddressFamily.InterNetwork ? $"{v4} ipv6 {v4.MapToIPv6()}" : $"{v4}";
        throw new WeChatError(errcode, errcode == WeChatErrors.IpNotInWhitelist
            ? $"invalid ip {named}, not in whitelist"
            : $"{WeChatErrors.Text(errcode)} hint: [{v4}]");
    }

    public void Quota(AppConfig app, ApiCall call) => state.Quotas.Consume(app.AppId, call.Path, app.Quotas, state.Now);

    /// <summary>
    /// The account behind <c>access_token</c>: 41001 missing, 40014 unknown, 40001 replaced or revoked, 42001 expired,
    /// 61015 a component token; then the account's whitelist and the path's quota.
    /// </summary>
    public AccountCall AccessToken(ApiCall call)
    {
        var value = call.Query("access_token") ?? throw new WeChatError(WeChatErrors.AccessTokenMissing);
        var token = state.Credentials.Find(value) ?? throw new WeChatError(WeChatErrors.InvalidAccessToken);
        if (token.Kind == CredentialKind.ComponentAccessToken) throw new WeChatError(WeChatErrors.MustUseAccountToken);
        if (!AccountTokenKinds.Contains(token.Kind)) throw new WeChatError(WeChatErrors.InvalidCredential);
        if (token.Problem(state.Now) is { } problem) throw new WeChatError(problem);
        var app = App(token.AppId);
        CallerAllowed(app.IpWhitelist, call);
        Quota(app, call);
        return new AccountCall(app, token);
    }

    public ComponentState Component(string? componentAppId, int unknown = WeChatErrors.InvalidComponent)
    {
        if (componentAppId is null) throw new WeChatError(WeChatErrors.AppIdMissing, "component_appid missing");
        return state.Components.GetValueOrDefault(componentAppId) ?? throw new WeChatError(unknown);
    }

    /// <summary>
    /// The platform behind <c>component_access_token</c> (newer docs call it <c>access_token</c>): 41001 missing,
    /// 40014 unknown, 61014 not a component token, 40001/42001 replaced or expired, 61011 when the body names another
    /// platform, 61004 when the caller is outside the platform's whitelist.
    /// </summary>
    public ComponentState ComponentToken(ApiCall call, string? claimedComponentAppId)
    {
        var value = call.Query("component_access_token") ?? call.Query("access_token") ?? throw new WeChatError(WeChatErrors.AccessTokenMissing);
        var token = state.Credentials.Find(value) ?? throw new WeChatError(WeChatErrors.InvalidAccessToken);
        if (token.Kind != CredentialKind.ComponentAccessToken) throw new WeChatError(WeChatErrors.MustUseComponentToken);
        if (token.Problem(state.Now) is { } problem) throw new WeChatError(problem);
        if (claimedComponentAppId != token.AppId) throw new WeChatError(WeChatErrors.InvalidComponent);
        var component = state.Components[token.AppId];
        CallerAllowed(component.Config.IpWhitelist, call, WeChatErrors.ComponentIpNotRegistered);
        return component;
    }

    /// <summary>An account that authorized the platform: 41002 missing, 40013 unknown, 61003 not authorized.</summary>
    public AppConfig AuthorizedApp(ComponentState component, string? appId)
    {
        var app = App(appId);
        return component.Authorizations.ContainsKey(app.AppId) ? app : throw new WeChatError(WeChatErrors.ComponentNotAuthorized);
    }

    /// <summary>48001 unless the account is of one of the given types.</summary>
    public static void AppTypeIs(AppConfig app, params AppType[] types)
    {
        if (!types.Contains(app.Type)) throw new WeChatError(WeChatErrors.ApiUnauthorized);
    }
}

internal readonly record struct AccountCall(AppConfig App, IssuedCredential Token);
