using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Server.Http;

namespace WxHub.Server.Admin;

/// <summary>The admin API for apps and API keys (<c>/v1/admin/apps</c>, <c>/v1/admin/keys</c>), behind the admin key.</summary>
public static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/v1/admin").RequireAdmin();

        admin.MapPost("/apps", async (HttpRequest request, AppAdministration apps) =>
        {
            var body = await JsonBody.ReadAsync(request, AdminJsonContext.Default.AppCreateBody);
            if (body.Error is not null) return body.Error;
            var b = body.Value!;
            var result = await apps.AddAsync(new AppRegistrationRequest(b.Appid, b.Secret, b.Type, b.TokenMode, b.Token, b.EncodingAesKey), request.HttpContext.RequestAborted);
            return result.Succeeded
                ? Results.Json(AppView.From(result.Value!), AdminJsonContext.Default.AppView, statusCode: StatusCodes.Status201Created)
                : Failure(result);
        });

        admin.MapGet("/apps", async (IAppStore store, CancellationToken cancellation) =>
            Results.Json((await store.ListAsync(cancellation)).Select(AppView.From).ToList(), AdminJsonContext.Default.ListAppView));

        admin.MapGet("/apps/{appid}", async (string appid, IAppStore store, CancellationToken cancellation) =>
            await store.GetAsync(appid, cancellation) is { } app
                ? Results.Json(AppView.From(app), AdminJsonContext.Default.AppView)
                : Failure(AppAdministration.NotFound(appid)));

        admin.MapPatch("/apps/{appid}", async (string appid, HttpRequest request, AppAdministration apps) =>
        {
            var body = await JsonBody.ReadAsync(request, AdminJsonContext.Default.AppPatchBody);
            if (body.Error is not null) return body.Error;
            var b = body.Value!;
            var result = await apps.ChangeAsync(appid, new AppChangeRequest(b.Secret, b.Type, b.TokenMode, b.Token, b.EncodingAesKey), request.HttpContext.RequestAborted);
            return result.Succeeded ? Results.Json(AppView.From(result.Value!), AdminJsonContext.Default.AppView) : Failure(result);
        });

        admin.MapDelete("/apps/{appid}", async (string appid, AppAdministration apps, CancellationToken cancellation) =>
            await apps.RemoveAsync(appid, cancellation) ? Results.NoContent() : Failure(AppAdministration.NotFound(appid)));

        admin.MapPost("/keys", async (HttpRequest request, KeyAdministration keys) =>
        {
            var body = await JsonBody.ReadAsync(request, AdminJsonContext.Default.KeyCreateBody);
            if (body.Error is not null) return body.Error;
            var result = await keys.CreateAsync(body.Value!.Name, body.Value.Apps, body.Value.Scopes, request.HttpContext.RequestAborted);
            if (!result.Succeeded) return Failure(result);
            var (record, key) = result.Value!;
            return Results.Json(new KeyCreated(record.Id, key, record.Name, record.Apps, record.Scopes), AdminJsonContext.Default.KeyCreated, statusCode: StatusCodes.Status201Created);
        });

        admin.MapGet("/keys", async (KeyAdministration keys, CancellationToken cancellation) =>
            Results.Json((await keys.ListAsync(cancellation)).Select(KeyView.From).ToList(), AdminJsonContext.Default.ListKeyView));

        admin.MapDelete("/keys/{id}", async (string id, KeyAdministration keys, CancellationToken cancellation) =>
            await keys.RevokeAsync(id, cancellation)
                ? Results.NoContent()
                : ApiErrors.NotFound("key_not_found", $"No API key '{id}'. List keys with GET /v1/admin/keys."));

        return admin;
    }

    /// <summary>An administrative failure as the API's error: not found 404, a conflict with what exists 409, else 400.</summary>
    internal static IResult Failure<T>(AdminResult<T> result) => ApiErrors.Create(
        result.Error! switch
        {
            var e when e.EndsWith("_not_found", StringComparison.Ordinal) => StatusCodes.Status404NotFound,
            var e when e.EndsWith("_exists", StringComparison.Ordinal) => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        },
        result.Error!, result.Message!);
}
