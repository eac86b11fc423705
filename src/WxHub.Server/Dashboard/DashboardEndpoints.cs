using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Core.Credentials;
using WxHub.Core.WeChat;
using WxHub.Server.Http;

namespace WxHub.Server.Dashboard;

/// <summary>
/// The operator's dashboard at <c>/</c>: sign in with the admin key, see every app's credentials and quota, create
/// (shown once) and revoke API keys. Every form that changes state carries the session's CSRF token.
/// </summary>
public static class DashboardEndpoints
{
    private const string Html = "text/html; charset=utf-8";
    private static readonly string[] QuotaEndpoints = [WeChatEndpoints.StableToken, WeChatEndpoints.Token, WeChatEndpoints.GetTicket];

    public static IServiceCollection AddWxHubDashboard(this IServiceCollection services) => services.AddSingleton<DashboardSessions>();

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", async (HttpContext http, DashboardSessions sessions) =>
            sessions.Current(http) is { } session ? Page(await OverviewAsync(http, session, null)) : Page(DashboardPages.Login(null)));

        endpoints.MapGet("/dashboard.js", () => Results.Text(DashboardPages.Script, "text/javascript; charset=utf-8"));

        endpoints.MapPost("/login", async (HttpContext http, DashboardSessions sessions, AdminKey admin) =>
        {
            var form = await ReadFormAsync(http);
            if (form is null || !admin.Verify(form["admin_key"].ToString()))
                return new CountedRefusal(Page(DashboardPages.Login("That is not the admin key."), StatusCodes.Status401Unauthorized), StatusCodes.Status401Unauthorized, "invalid_admin_key");
            sessions.SignIn(http);
            return Results.Redirect("/", permanent: false, preserveMethod: false);
        });

        endpoints.MapPost("/logout", (HttpContext http, DashboardSessions sessions) => Guarded(http, sessions, async (_, _) =>
        {
            sessions.SignOut(http);
            return await Task.FromResult(Results.Redirect("/"));
        }));

        endpoints.MapPost("/keys", (HttpContext http, DashboardSessions sessions, KeyAdministration keys) => Guarded(http, sessions, async (session, form) =>
        {
            var apps = form["apps"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var created = await keys.CreateAsync(form["name"].ToString(), apps, null, http.RequestAborted);
            return created.Succeeded
                ? Page(await OverviewAsync(http, session, created.Value!.Key), StatusCodes.Status201Created)
                : Problem(StatusCodes.Status400BadRequest, "invalid_request", created.Message!);
        }));

        endpoints.MapPost("/keys/{id}/revoke", (string id, HttpContext http, DashboardSessions sessions, KeyAdministration keys) => Guarded(http, sessions, async (_, _) =>
            await keys.RevokeAsync(id, http.RequestAborted)
                ? Results.Redirect("/")
                : Problem(StatusCodes.Status404NotFound, "key_not_found", $"No API key '{id}'.")));

        return endpoints;
    }

    /// <summary>A state-changing form: needs a session and its CSRF token.</summary>
    private static async Task<IResult> Guarded(HttpContext http, DashboardSessions sessions, Func<DashboardSession, IFormCollection, Task<IResult>> handle)
    {
        if (sessions.Current(http) is not { } session) return Problem(StatusCodes.Status401Unauthorized, "not_signed_in", "Sign in again at /.");
        var form = await ReadFormAsync(http);
        if (form is null || !DashboardSessions.CsrfMatches(session, form["csrf"].ToString()))
            return Problem(StatusCodes.Status403Forbidden, "invalid_csrf_token", "The form's CSRF token is missing or stale; reload the page and submit again.");
        return await handle(session, form);
    }

    /// <summary>The posted form, or null when there is none or it cannot be read (a multipart body without a boundary, values over the limits).</summary>
    private static async Task<IFormCollection?> ReadFormAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType) return null;
        try
        {
            return await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static async Task<string> OverviewAsync(HttpContext http, DashboardSession session, string? createdKey)
    {
        var services = http.RequestServices;
        var time = services.GetRequiredService<TimeProvider>();
        var quotas = services.GetRequiredService<IQuotaStore>();
        var budgets = services.GetRequiredService<IOptions<WeChatApiOptions>>().Value.DailyQuotas;
        var rows = await services.GetRequiredService<CredentialReport>().ListAsync(http.RequestAborted);
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var apps = new List<AppOverview>();
        foreach (var app in await services.GetRequiredService<IAppStore>().ListAsync(http.RequestAborted))
        {
            var quota = new List<(string, long, long)>();
            foreach (var endpoint in QuotaEndpoints)
                quota.Add((endpoint, await quotas.GetAsync(app.Appid, endpoint, today, http.RequestAborted), budgets.For(endpoint)));
            apps.Add(new AppOverview(app.Appid, rows.Where(r => r.Key.Appid == app.Appid).ToList(), quota));
        }
        var keys = await services.GetRequiredService<KeyAdministration>().ListAsync(http.RequestAborted);
        return DashboardPages.Overview(apps, keys, session, now, createdKey);
    }

    private static IResult Page(string html, int status = StatusCodes.Status200OK) => Results.Content(html, Html, statusCode: status);

    private static IResult Problem(int status, string error, string message) =>
        new CountedRefusal(Results.Content(DashboardPages.Problem(message), Html, statusCode: status), status, error);
}
