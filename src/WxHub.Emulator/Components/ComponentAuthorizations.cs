using WxHub.Emulator.Apps;
using WxHub.Emulator.Credentials;
using WxHub.Emulator.Hosting;
using WxHub.Emulator.Pushes;

namespace WxHub.Emulator.Components;

/// <summary>
/// Granting and revoking an account's authorization of a platform, as the authorization page and the control API
/// do it: each grant makes a new refresh token (the previous one stops working) and an authorization code, and
/// pushes <c>authorized</c> (or <c>updateauthorized</c> when the account had already authorized); a revocation retires
/// the account's authorizer tokens and pushes <c>unauthorized</c>. Callers hold the state lock.
/// </summary>
internal sealed class ComponentAuthorizations(EmulatorState state, ComponentNotifier notifier)
{
    /// <summary>The documents disagree (1800 s in text, 600 s in examples); the stricter 600 s applies.</summary>
    public static readonly TimeSpan PreAuthCodeLifetime = TimeSpan.FromSeconds(600);

    public static readonly TimeSpan AuthorizationCodeLifetime = TimeSpan.FromSeconds(600);

    public OneTimeCode IssuePreAuthCode(ComponentState component)
    {
        var code = new OneTimeCode("preauthcode@@@" + CredentialBook.Base64Url(36), null, state.Now + PreAuthCodeLifetime);
        component.PreAuthCodes[code.Value] = code;
        return code;
    }

    public (OneTimeCode Code, Task<PushResult> Push) Grant(ComponentState component, AppConfig app, string? preAuthCode, IReadOnlyList<int>? funcScopes = null)
    {
        var now = state.Now;
        var infoType = component.Authorizations.ContainsKey(app.AppId) ? "updateauthorized" : "authorized";
        component.Authorizations[app.AppId] = new Authorization(app.AppId, "refreshtoken@@@" + CredentialBook.Base64Url(36), now, funcScopes ?? Authorization.AllFuncScopes);
        var code = new OneTimeCode("queryauthcode@@@" + CredentialBook.Base64Url(36), app.AppId, now + AuthorizationCodeLifetime);
        component.AuthorizationCodes[code.Value] = code;

        var push = notifier.Notify(component, infoType, xml => xml
            .Text("AuthorizerAppid", app.AppId)
            .Text("AuthorizationCode", code.Value)
            .Number("AuthorizationCodeExpiredTime", code.ExpiresAt.ToUnixTimeSeconds())
            .Text("PreAuthCode", preAuthCode ?? ""));
        return (code, push);
    }

    public Task<PushResult> Revoke(ComponentState component, AppConfig app)
    {
        component.Authorizations.Remove(app.AppId);
        state.Credentials.RetireAll(new ChainKey(CredentialKind.AuthorizerAccessToken, app.AppId, component.ComponentAppId), state.Now);
        return notifier.Notify(component, "unauthorized", xml => xml.Text("AuthorizerAppid", app.AppId));
    }
}
