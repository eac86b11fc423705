using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WxHub.Core.Access;
using WxHub.Server.Http;

namespace WxHub.Server.Dashboard;

/// <summary>
/// The operator's dashboard at <c>/</c>: sign in with the admin key or the operator password; see every credential,
/// the platforms' authorizers, callbacks and their backlog, and a chart of the last day; create (shown once) and
/// revoke API keys. Every form post, sign-in included, must carry the antiforgery token of its page.
/// </summary>
public static class DashboardEndpoints
{
    private const string Html = "text/html; charset=utf-8";

    // Style and script come from WxHub itself; nothing inline runs, nothing is framed.
    private const string ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    public static IServiceCollection AddWxHubDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<DashboardSessions>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<DashboardQueries>();
        services.AddOptions<DashboardOptions>()
            .Bind(configuration.GetSection(DashboardOptions.Section))
            .Validate(o => o.OperatorPasswordHash is null || OperatorPassword.TryParse(o.OperatorPasswordHash, out _),
                "Dashboard:OperatorPasswordHash is not a hash WxHub made; set it to the output of 'wxhub dashboard hash-password'.")
            .Validate(o => o.SignInAttempts > 0 && o.SignInWindow > TimeSpan.Zero,
                "Dashboard:SignInAttempts must be at least 1 and Dashboard:SignInWindow longer than zero (for example 5 and 00:15:00).")
            .ValidateOnStart();
        // Antiforgery tokens need data protection keys; sessions live in memory, so the keys may too.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAntiforgery(o =>
        {
            o.FormFieldName = "csrf";
            o.Cookie.Name = "wxhub_csrf";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/dashboard.js", () => Results.Text(DashboardPages.Script, "text/javascript; charset=utf-8"));
        endpoints.MapGet("/dashboard.css", () => Results.Text(DashboardPages.Style, "text/css; charset=utf-8"));

        endpoints.MapGet("/", (HttpContext http, DashboardQueries queries) => Signed(http, async csrf =>
            Page(http, DashboardPages.Overview(await queries.OverviewAsync(http.RequestAborted), csrf))));

        endpoints.MapGet("/platforms/{component_appid}", (string component_appid, string? q, string? after, HttpContext http, DashboardQueries queries) => Signed(http, async csrf =>
            await queries.PlatformAsync(component_appid, q, after, http.RequestAborted) is { } page
                ? Page(http, DashboardPages.Platform(page, csrf))
                : Problem(http, StatusCodes.Status404NotFound, "platform_not_found", $"No platform '{component_appid}' is registered.", csrf)));

        endpoints.MapGet("/callbacks", (HttpContext http, DashboardQueries queries) => Signed(http, async csrf =>
            Page(http, DashboardPages.Backlogs(await queries.BacklogsAsync(http.RequestAborted), csrf))));

        endpoints.MapGet("/callbacks/{appid}", (string appid, HttpContext http, DashboardQueries queries) => Signed(http, async csrf =>
            Page(http, DashboardPages.Callbacks(await queries.CallbacksAsync(appid, http.RequestAborted), csrf))));

        endpoints.MapGet("/keys", (HttpContext http, KeyAdministration keys) => Signed(http, async csrf =>
            Page(http, DashboardPages.Keys(await keys.ListAsync(http.RequestAborted), csrf, null))));

        endpoints.MapPost("/login", async (HttpContext http, DashboardSessions sessions, SignInThrottle throttle, AdminKey admin, IOptions<DashboardOptions> options, IAntiforgery antiforgery) =>
        {
            if (await ReadFormAsync(http) is not { } form)
                return Problem(http, StatusCodes.Status400BadRequest, "invalid_form", "Sign in with the dashboard's form at /.", null);
            if (!await antiforgery.IsRequestValidAsync(http))
                return Problem(http, StatusCodes.Status403Forbidden, "invalid_csrf_token", "The sign-in form is stale or was not sent by this dashboard; reload the page and sign in again.", null);
            if (throttle.Wait(http) is { } wait)
            {
                var seconds = (int)Math.Ceiling(wait.TotalSeconds);
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return Problem(http, StatusCodes.Status429TooManyRequests, "too_many_sign_in_attempts",
                    $"Too many failed sign-ins from this address; try again in {Math.Ceiling(wait.TotalMinutes)} minute(s).", Token(http));
            }
            var presented = form["password"].ToString();
            var password = OperatorPassword.TryParse(options.Value.OperatorPasswordHash, out var p) ? p : null;
            var signedInWith = admin.Verify(presented) ? "admin key" : password?.Verify(presented) == true ? "operator password" : null;
            if (signedInWith is null)
            {
                throttle.Failed(http);
                return new CountedRefusal(
                    Page(http, DashboardPages.Login(Token(http), password is null ? "That is not the admin key." : "That is neither the admin key nor the operator password.", password is not null),
                        StatusCodes.Status401Unauthorized),
                    StatusCodes.Status401Unauthorized, "invalid_admin_key");
            }
            throttle.Succeeded(http);
            sessions.SignIn(http, signedInWith);
            return Results.Redirect("/");
        });

        endpoints.MapPost("/logout", (HttpContext http, DashboardSessions sessions) => Posted(http, (_, _) =>
        {
            sessions.SignOut(http);
            return Task.FromResult(Results.Redirect("/"));
        }));

        endpoints.MapPost("/keys", (HttpContext http, KeyAdministration keys) => Posted(http, async (csrf, form) =>
        {
            var apps = form["apps"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var created = await keys.CreateAsync(form["name"].ToString(), apps, null, http.RequestAborted);
            return created.Succeeded
                ? Page(http, DashboardPages.Keys(await keys.ListAsync(http.RequestAborted), csrf, created.Value!.Key), StatusCodes.Status201Created)
                : Problem(http, StatusCodes.Status400BadRequest, "invalid_request", created.Message!, csrf);
        }));

        endpoints.MapPost("/keys/{id}/revoke", (string id, HttpContext http, KeyAdministration keys) => Posted(http, async (csrf, _) =>
            await keys.RevokeAsync(id, http.RequestAborted)
                ? Results.Redirect("/keys")
                : Problem(http, StatusCodes.Status404NotFound, "key_not_found", $"No API key '{id}'.", csrf)));

        return endpoints;
    }

    /// <summary>A page for a signed-in operator; anyone else gets the sign-in form.</summary>
    private static async Task<IResult> Signed(HttpContext http, Func<string, Task<IResult>> render)
    {
        var csrf = Token(http);
        if (http.RequestServices.GetRequiredService<DashboardSessions>().Current(http) is null)
        {
            var passwordConfigured = http.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value.OperatorPasswordHash is not null;
            return Page(http, DashboardPages.Login(csrf, null, passwordConfigured));
        }
        return await render(csrf);
    }

    /// <summary>A state-changing form: needs a session and a valid antiforgery token.</summary>
    private static async Task<IResult> Posted(HttpContext http, Func<string, IFormCollection, Task<IResult>> handle)
    {
        if (http.RequestServices.GetRequiredService<DashboardSessions>().Current(http) is null)
            return Problem(http, StatusCodes.Status401Unauthorized, "not_signed_in", "Your session has ended; sign in again at /.", null);
        if (await ReadFormAsync(http) is not { } form)
            return Problem(http, StatusCodes.Status400BadRequest, "invalid_form", "Submit the dashboard's own form.", null);
        if (!await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
            return Problem(http, StatusCodes.Status403Forbidden, "invalid_csrf_token", "The form's CSRF token is missing or stale; reload the page and submit again.", null);
        return await handle(Token(http), form);
    }

    /// <summary>The antiforgery request token for this page's forms (its cookie half is set alongside).</summary>
    private static string Token(HttpContext http) => http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http).RequestToken!;

    private static IResult Page(HttpContext http, string html, int status = StatusCodes.Status200OK)
    {
        http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Content(html, Html, statusCode: status);
    }

    /// <summary>A refusal as a page, counted in <c>wxhub_requests_refused_total</c> under <paramref name="error"/>.</summary>
    private static IResult Problem(HttpContext http, int status, string error, string message, string? csrf) =>
        new CountedRefusal(Page(http, DashboardPages.Problem(message, csrf), status), status, error);

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
}
