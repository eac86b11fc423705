using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Control;
using WxHub.Emulator.Credentials;
using WxHub.Emulator.Hosting;
using WxHub.Emulator.Json;
using WxHub.Emulator.Pushes;

namespace WxHub.Emulator.Components;

/// <summary>The control API's third-party platforms: registration, and authorizing or revoking an account without a browser.</summary>
internal sealed class ComponentControl(EmulatorState state, ComponentAuthorizations authorizations, TicketScheduler tickets)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapControl("POST", "/__emulator/components", RegisterAsync);
        routes.MapControl("GET", "/__emulator/components/{component_appid}", Get);
        routes.MapControl("POST", "/__emulator/components/{component_appid}/authorize", http => ChangeAsync(http, grant: true));
        routes.MapControl("POST", "/__emulator/components/{component_appid}/unauthorize", http => ChangeAsync(http, grant: false));
        routes.MapControl("POST", "/__emulator/components/{component_appid}/authorizers", SeedAsync);
    }

    /// <summary>Registers (or reconfigures) a platform; a new one gets its first ticket push at once.</summary>
    public ComponentView Register(ComponentRegistration registration)
    {
        var config = ToConfig(registration);
        ComponentState component;
        bool isNew;
        lock (state.Gate)
        {
            if (state.Apps.ContainsKey(config.ComponentAppId))
                throw new ControlProblem(StatusCodes.Status409Conflict, "appid_taken", $"'{config.ComponentAppId}' is registered as an app; an appid is one or the other.");
            isNew = !state.Components.TryGetValue(config.ComponentAppId, out var existing);
            component = existing ?? new ComponentState(config);
            component.Config = config;
            state.Components[config.ComponentAppId] = component;
        }
        if (isNew) tickets.StartNow(component);
        lock (state.Gate) return View(component);
    }

    private async Task<IResult> RegisterAsync(HttpContext http)
    {
        var view = Register(await ControlHttp.ReadAsync(http, EmulatorJson.Default.ComponentRegistration));
        return ControlHttp.Json(view, EmulatorJson.Default.ComponentView, StatusCodes.Status201Created);
    }

    private IResult Get(HttpContext http)
    {
        lock (state.Gate) return ControlHttp.Json(View(Component(http)), EmulatorJson.Default.ComponentView);
    }

    /// <summary>Grants (pushing authorized or updateauthorized) or revokes (pushing unauthorized); answers once the push is done.</summary>
    private async Task<IResult> ChangeAsync(HttpContext http, bool grant)
    {
        var request = await ControlHttp.ReadAsync(http, EmulatorJson.Default.AuthorizeRequest);
        string? code = null;
        Task<PushResult> push;
        lock (state.Gate)
        {
            var component = Component(http);
            var appId = AppRegistrar.Required(request.AppId, "appid");
            var app = state.Apps.GetValueOrDefault(appId)
                ?? throw ControlProblem.BadRequest("unknown_app", $"There is no app '{appId}'; register it with POST /__emulator/apps first.");
            if (app.Type == AppType.Website)
                throw ControlProblem.BadRequest("not_authorizable", $"{appId} is a website app; only official accounts and mini programs authorize platforms.");
            if (grant)
            {
                var granted = authorizations.Grant(component, app, null, FuncScopes(request.FuncScopes));
                (code, push) = (granted.Code.Value, granted.Push);
            }
            else
            {
                if (!component.Authorizations.ContainsKey(appId))
                    throw ControlProblem.BadRequest("not_authorized", $"{appId} has not authorized {component.ComponentAppId}.");
                push = authorizations.Revoke(component, app);
            }
        }
        return ControlHttp.Json(new AuthorizeResult(code, await push), EmulatorJson.Default.AuthorizeResult);
    }

    /// <summary>Makes <c>count</c> official accounts authorize the platform at once, silently: no codes, no pushes (benchmarks).</summary>
    private async Task<IResult> SeedAsync(HttpContext http)
    {
        var request = await ControlHttp.ReadAsync(http, EmulatorJson.Default.SeedAuthorizersRequest);
        if (request.Count is not (>= 1 and <= 1_000_000)) throw ControlProblem.BadRequest("invalid_count", "count must be 1 to 1000000.");
        var prefix = request.Prefix ?? "wxseed";
        lock (state.Gate)
        {
            var component = Component(http);
            var now = state.Now;
            for (var i = 0; i < request.Count; i++)
            {
                var appId = $"{prefix}{i:D10}";
                if (!state.Apps.ContainsKey(appId))
                {
                    state.Apps[appId] = new AppConfig(appId, CredentialBook.Base64Url(24), AppType.OfficialAccount, $"gh_{appId}", appId, null, null, null,
                        PushMode.Plaintext, IpAllowList.Everyone, null, null, new Dictionary<string, int>());
                }
                component.Authorizations[appId] = new Authorization(appId, "refreshtoken@@@" + CredentialBook.Base64Url(36), now, Authorization.AllFuncScopes);
            }
            return ControlHttp.Json(new SeedAuthorizersResult(component.Authorizations.Count), EmulatorJson.Default.SeedAuthorizersResult);
        }
    }

    /// <summary>The function sets an authorization names: null grants them all; a list must name at least one, each a positive id.</summary>
    private static IReadOnlyList<int>? FuncScopes(IReadOnlyList<int>? requested)
    {
        if (requested is null) return null;
        if (requested.Count == 0 || requested.Any(id => id <= 0))
            throw ControlProblem.BadRequest("invalid_func_scopes", "func_scopes must name at least one function set, each a positive id (for example [1, 2, 15]); leave it out to grant all.");
        return [.. requested.Distinct().Order()];
    }

    private ComponentState Component(HttpContext http)
    {
        var id = ControlHttp.Route(http, "component_appid");
        return state.Components.GetValueOrDefault(id)
            ?? throw ControlProblem.NotFound("unknown_component", $"There is no platform '{id}'; register it with POST /__emulator/components.");
    }

    private ComponentView View(ComponentState component) => new(
        component.ComponentAppId,
        (int)(component.Config.TicketInterval ?? state.Options.TicketPushInterval).TotalSeconds,
        (int)(component.Config.TokenTtl ?? state.Options.TokenTtl).TotalSeconds,
        component.Tickets.MaxBy(t => t.Value).Key,
        component.Authorizations.Keys.ToList());

    private static ComponentConfig ToConfig(ComponentRegistration r)
    {
        var appId = AppRegistrar.Required(r.ComponentAppId, "component_appid");
        var key = AppRegistrar.OptionalKey(AppRegistrar.Required(r.EncodingAesKey, "encoding_aes_key"), "encoding_aes_key")!;
        var eventUrl = AppRegistrar.OptionalHttpUrl(AppRegistrar.Required(r.EventUrl, "event_url"), "event_url")!;
        if (r.MessageUrl is not null) AppRegistrar.OptionalHttpUrl(r.MessageUrl.Replace("$APPID$", "wx0", StringComparison.Ordinal), "message_url");
        if (!IpAllowList.TryParse(r.IpWhitelist, out var whitelist, out var error))
            throw ControlProblem.BadRequest("invalid_ip_whitelist", $"ip_whitelist: {error}.");
        var interval = r.TicketIntervalSeconds switch
        {
            null => (TimeSpan?)null,
            < 1 => throw ControlProblem.BadRequest("invalid_ticket_interval", "ticket_interval_seconds must be at least 1."),
            var seconds => TimeSpan.FromSeconds(seconds.Value),
        };
        return new ComponentConfig(
            appId,
            AppRegistrar.Required(r.Secret, "secret"),
            AppRegistrar.Required(r.Token, "token"),
            key,
            eventUrl,
            interval,
            r.MessageUrl,
            whitelist,
            AppRegistrar.TtlOf(r.TokenTtlSeconds),
            r.RotateRefreshTokens ?? false);
    }
}
