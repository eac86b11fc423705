using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Core.Identity;
using WxHub.Core.OAuth;
using WxHub.Server.Http;

namespace WxHub.Server.Logins;

/// <summary>The UnionID directory for businesses, and its follower backfill and the OAuth redirect allow-list for operators.</summary>
public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/users/by-unionid/{unionid}", async (string unionid, HttpContext http, UserDirectory directory) =>
        {
            var key = http.GetApiKey();
            var visible = new List<IdentityPair>();
            foreach (var identity in await directory.FindByUnionidAsync(unionid, http.RequestAborted))
            {
                if (await key.AllowsAsync(identity.Appid, ApiScopes.Users, http)) visible.Add(new IdentityPair(identity.Appid, identity.Openid));
            }
            return visible.Count > 0
                ? Results.Json(new UnionidView(unionid, visible), LoginJsonContext.Default.UnionidView)
                : ApiErrors.NotFound("user_not_found", $"No user with unionid '{unionid}' is known in the apps this API key may see.");
        }).RequireApiKey(ApiScopes.Users);

        endpoints.MapGet("/v1/apps/{appid}/users/{openid}", async (string appid, string openid, UserDirectory directory, CancellationToken cancellation) =>
        {
            var user = await directory.GetAsync(appid, openid, cancellation);
            return user.Succeeded ? Results.Json(UserView.From(user.Value), LoginJsonContext.Default.UserView) : ApiErrors.From(user.Problem);
        }).RequireAppAccess(ApiScopes.Users);

        var admin = endpoints.MapGroup("/v1/admin/apps/{appid}").RequireAdmin();
        admin.MapPost("/users/backfill", async (string appid, bool? restart, BackfillRunner runner, CancellationToken cancellation) =>
        {
            var started = await runner.StartAsync(appid, restart ?? false, cancellation);
            return started.Succeeded
                ? Results.Json(BackfillView.From(started.Value, running: true), LoginJsonContext.Default.BackfillView, statusCode: StatusCodes.Status202Accepted)
                : ApiErrors.From(started.Problem);
        });
        admin.MapGet("/users/backfill", async (string appid, IBackfillStore progress, BackfillRunner runner, CancellationToken cancellation) =>
            await progress.GetAsync(appid, cancellation) is { } state
                ? Results.Json(BackfillView.From(state, runner.IsRunning(appid)), LoginJsonContext.Default.BackfillView)
                : ApiErrors.NotFound("backfill_not_found", $"No backfill of {appid} has run; start one with POST /v1/admin/apps/{appid}/users/backfill."));
        admin.MapDelete("/users/backfill", (string appid, BackfillRunner runner) =>
            runner.Stop(appid)
                ? Results.Accepted($"/v1/admin/apps/{appid}/users/backfill")
                : ApiErrors.NotFound("backfill_not_running", $"No backfill of {appid} is running in this instance."));

        admin.MapGet("/oauth/redirect-uris", async (string appid, IAppStore apps, IOAuthStore oauth, CancellationToken cancellation) =>
            await apps.GetAsync(appid, cancellation) is null
                ? AppNotRegistered(appid)
                : Results.Json(new RedirectUrisView(appid, await oauth.GetRedirectPrefixesAsync(appid, cancellation)), LoginJsonContext.Default.RedirectUrisView));
        admin.MapPut("/oauth/redirect-uris", async (string appid, HttpRequest request, IAppStore apps, IOAuthStore oauth) =>
        {
            var body = await JsonBody.ReadAsync(request, LoginJsonContext.Default.RedirectUrisBody);
            if (body.Error is not null) return body.Error;
            if (await apps.GetAsync(appid, request.HttpContext.RequestAborted) is null) return AppNotRegistered(appid);
            var prefixes = new List<string>();
            foreach (var entry in body.Value!.RedirectUris ?? [])
            {
                if (RedirectPrefix.Normalize(entry) is not { } prefix)
                    return ApiErrors.BadRequest("invalid_redirect_uri", $"'{entry}' is not an absolute http(s) URL without query or fragment; give the prefixes business redirect_uris must start with, e.g. https://shop.example.com/wechat/.");
                prefixes.Add(prefix);
            }
            await oauth.SetRedirectPrefixesAsync(appid, prefixes, request.HttpContext.RequestAborted);
            return Results.Json(new RedirectUrisView(appid, await oauth.GetRedirectPrefixesAsync(appid, request.HttpContext.RequestAborted)), LoginJsonContext.Default.RedirectUrisView);
        });
        return endpoints;
    }

    private static IResult AppNotRegistered(string appid) => ApiErrors.NotFound("app_not_found", $"No app '{appid}' is registered. List apps with GET /v1/admin/apps.");
}
