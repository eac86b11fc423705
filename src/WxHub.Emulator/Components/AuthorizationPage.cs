using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Emulator.Api;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Hosting;
using WxHub.Emulator.Pages;

namespace WxHub.Emulator.Components;

/// <summary>
/// The page where an account's administrator authorizes a platform (reference §4.5), at the PC address
/// (<c>/cgi-bin/componentloginpage</c>) and the mobile ones (<c>/wxaopen/safe/bindcomponent</c>, legacy
/// <c>/safe/bindcomponent</c>). Approval pushes <c>authorized</c> and redirects to
/// <c>redirect_uri?auth_code=…&amp;expires_in=600</c>; refusal redirects without a code. The pre-auth code is used up
/// by an approval.
/// </summary>
internal sealed class AuthorizationPage(EmulatorState state, ComponentAuthorizations authorizations)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapWeChatPage("/cgi-bin/componentloginpage", state, Handle);
        routes.MapWeChatPage("/wxaopen/safe/bindcomponent", state, Handle);
        routes.MapWeChatPage("/safe/bindcomponent", state, Handle);
    }

    private IResult Handle(ApiCall call)
    {
        var component = state.Components.GetValueOrDefault(call.Query("component_appid") ?? "")
            ?? throw new PageProblem("component_appid is missing or not a registered third-party platform.");
        var preAuthCode = call.Query("pre_auth_code") is { } value && component.PreAuthCodes.TryGetValue(value, out var code) && code.IsUsable(state.Now)
            ? code
            : throw new PageProblem("pre_auth_code is missing, unknown, used or expired; get a fresh one from api_create_preauthcode.");
        var redirect = ConsentPage.RedirectUri(call);
        var accounts = Eligible(call);
        if (accounts.Count == 0) throw new PageProblem("No registered account can authorize here (check auth_type and biz_appid).");

        switch (ConsentPage.Decision(call))
        {
            case null:
                return ConsentPage.Show(call, $"Authorize {component.ComponentAppId}",
                    "The platform will manage the account you choose on its behalf.",
                    accounts.Select(a => (a.AppId, $"{a.Name} ({AppRegistrar.TypeName(a.Type)})")).ToList());
            case false:
                return ConsentPage.Redirect(redirect);
        }

        var chosen = call.Query(ConsentPage.AccountParameter) ?? (accounts.Count == 1 ? accounts[0].AppId : null)
            ?? throw new PageProblem($"Several accounts can authorize here; choose one with {ConsentPage.AccountParameter}.");
        var app = accounts.FirstOrDefault(a => a.AppId == chosen)
            ?? throw new PageProblem($"{chosen} cannot authorize here (unknown, a website app, or excluded by auth_type or biz_appid).");
        preAuthCode.Used = true;
        var (authorizationCode, _) = authorizations.Grant(component, app, preAuthCode.Value);
        return ConsentPage.Redirect(redirect,
            ("auth_code", authorizationCode.Value),
            ("expires_in", ((int)ComponentAuthorizations.AuthorizationCodeLifetime.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>auth_type 1: official accounts, 2: mini programs, anything else both; biz_appid narrows to one account and wins.</summary>
    private List<AppConfig> Eligible(ApiCall call)
    {
        var types = call.Query("auth_type") switch
        {
            "1" => new[] { AppType.OfficialAccount },
            "2" => [AppType.MiniProgram],
            _ => [AppType.OfficialAccount, AppType.MiniProgram],
        };
        if (call.Query("biz_appid") is { } only)
            return state.Apps.TryGetValue(only, out var app) && app.Type != AppType.Website ? [app] : [];
        return state.Apps.Values.Where(a => types.Contains(a.Type)).ToList();
    }
}
