using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Core.Components;
using WxHub.Core.Credentials;
using WxHub.Server.Admin;
using WxHub.Server.Business;
using WxHub.Server.Http;
using WxHub.Server.Messages;

namespace WxHub.Server.Components;

/// <summary>
/// Third-party platforms: registration and sync for operators (<c>/v1/admin/components</c>), the platform's token and
/// its authorizers for business code (<c>/v1/components/{component_appid}</c>), and what WeChat and browsers call
/// (<c>/wechat/component/{component_appid}/…</c>). Authorizer access tokens need no route of their own: they are served
/// by <c>/v1/apps/{appid}/access-token</c> like any app's.
/// </summary>
public static class ComponentEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 500;
    private const int EventLimit = 50;

    public static IEndpointRouteBuilder MapComponents(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/v1/admin/components").RequireAdmin();
        admin.MapPost("", async (HttpRequest request, ComponentAdministration components, CredentialManager credentials) =>
        {
            var body = await JsonBody.ReadAsync(request, ComponentJsonContext.Default.ComponentCreateBody);
            if (body.Error is not null) return body.Error;
            var b = body.Value!;
            var result = await components.AddAsync(new ComponentRegistrationRequest(b.ComponentAppid, b.Secret, b.Token, b.EncodingAesKey), request.HttpContext.RequestAborted);
            if (!result.Succeeded) return AdminEndpoints.Failure(result);
            // From now on the platform's token is kept fresh; without a ticket yet, that asks WeChat to push one.
            credentials.Track([ComponentAdministration.TokenKey(result.Value!.ComponentAppid)]);
            return Results.Json(ComponentView.From(result.Value!, 0), ComponentJsonContext.Default.ComponentView, statusCode: StatusCodes.Status201Created);
        });
        admin.MapGet("", async (IComponentStore components, IAuthorizerStore authorizers, CancellationToken cancellation) =>
        {
            var views = new List<ComponentView>();
            foreach (var component in await components.ListAsync(cancellation))
                views.Add(ComponentView.From(component, await authorizers.CountAsync(component.ComponentAppid, AuthorizerStatus.Authorized, cancellation)));
            return Results.Json(views, ComponentJsonContext.Default.ListComponentView);
        });
        admin.MapGet("/{component_appid}", async (string component_appid, IComponentStore components, IAuthorizerStore authorizers, CancellationToken cancellation) =>
            await components.GetAsync(component_appid, cancellation) is { } component
                ? Results.Json(ComponentView.From(component, await authorizers.CountAsync(component_appid, AuthorizerStatus.Authorized, cancellation)), ComponentJsonContext.Default.ComponentView)
                : AdminEndpoints.Failure(ComponentAdministration.NotFound<ComponentRegistration>(component_appid)));
        admin.MapPost("/{component_appid}/sync", async (string component_appid, AuthorizerSync sync, CancellationToken cancellation) =>
        {
            var report = await sync.SyncAsync(component_appid, cancellation);
            return report.Succeeded ? Results.Json(SyncView.From(component_appid, report.Value), ComponentJsonContext.Default.SyncView) : ApiErrors.From(report.Problem);
        });

        endpoints.MapGroup("/v1/components/{component_appid}").RequireComponentAccess(ApiScopes.AccessToken)
            .MapGet("/access-token", async (string component_appid, ICredentialProvider credentials, TimeProvider time, CancellationToken cancellation) =>
            {
                var lookup = await credentials.GetAsync(ComponentAdministration.TokenKey(component_appid), cancellation);
                if (!lookup.Found)
                {
                    return lookup.Fault.Error == CredentialFault.AppNotFound
                        ? AdminEndpoints.Failure(ComponentAdministration.NotFound<ComponentRegistration>(component_appid))
                        : BusinessEndpoints.FaultResult(lookup.Fault);
                }
                var token = lookup.Credential;
                return Results.Json(new ComponentTokenView(component_appid, token.Value, WireNames.Time(token.ExpiresAt)!, BusinessEndpoints.SecondsLeft(token, time)),
                    ComponentJsonContext.Default.ComponentTokenView);
            });

        var authorizers = endpoints.MapGroup("/v1/components/{component_appid}/authorizers").RequireComponentAccess(ApiScopes.Components);
        authorizers.MapGet("", async (string component_appid, string? status, string? after, string? limit, IComponentStore components, IAuthorizerStore store, CancellationToken cancellation) =>
        {
            if (ParseLimit(limit) is not { } count)
                return ApiErrors.BadRequest("invalid_limit", $"'limit' must be a whole number from 1 to {MaxLimit} (default {DefaultLimit}).");
            if (!TryParseStatus(status, out var only))
                return ApiErrors.BadRequest("invalid_status", "'status' must be \"authorized\" or \"revoked\"; omit it for every authorizer.");
            if (await components.GetAsync(component_appid, cancellation) is null)
                return AdminEndpoints.Failure(ComponentAdministration.NotFound<ComponentRegistration>(component_appid));

            var page = await store.ListAsync(component_appid, after, count, only, cancellation);
            var total = await store.CountAsync(component_appid, only, cancellation);
            return Results.Json(new AuthorizerPage(component_appid, total, page.Select(AuthorizerView.From).ToList(), page.Count == count ? page[^1].Appid : null),
                ComponentJsonContext.Default.AuthorizerPage);
        });
        authorizers.MapGet("/{appid}", async (string component_appid, string appid, IAuthorizerStore store, CancellationToken cancellation) =>
        {
            if (await store.GetAsync(appid, cancellation) is not { } authorizer || authorizer.ComponentAppid != component_appid)
                return ApiErrors.NotFound("authorizer_not_found", $"'{appid}' has not authorized platform '{component_appid}' (as far as WxHub knows; POST /v1/admin/components/{component_appid}/sync checks with WeChat).");
            var events = await store.ListEventsAsync(appid, EventLimit, cancellation);
            return Results.Json(new AuthorizerDetail(AuthorizerView.From(authorizer), events.Select(AuthorizerEventView.From).ToList()),
                ComponentJsonContext.Default.AuthorizerDetail);
        });

        var wechat = endpoints.MapGroup("/wechat/component/{component_appid}");
        wechat.MapPost("/events", (string component_appid, HttpRequest request, ComponentEventHandler handler) => handler.HandleAsync(component_appid, request));
        wechat.MapGet("/authorize", (string component_appid, HttpRequest request, AuthorizationHandler handler) => handler.BeginAsync(component_appid, request));
        wechat.MapGet("/authorized", (string component_appid, HttpRequest request, AuthorizationHandler handler) => handler.CompleteAsync(component_appid, request));
        wechat.MapGet("/callback/{appid}", async (string component_appid, string appid, HttpRequest request, CallbackAuthenticator authenticator, UrlVerificationHandler handler) =>
            handler.Handle(appid, await authenticator.AuthenticateComponentAsync(component_appid, appid, request.Query, request.HttpContext.RequestAborted), request));
        wechat.MapPost("/callback/{appid}", async (string component_appid, string appid, HttpRequest request, CallbackAuthenticator authenticator, PushHandler handler) =>
            await handler.HandleAsync(appid, await authenticator.AuthenticateComponentAsync(component_appid, appid, request.Query, request.HttpContext.RequestAborted), request));
        return endpoints;
    }

    private static bool TryParseStatus(string? value, out AuthorizerStatus? status)
    {
        (status, var known) = value switch
        {
            null => ((AuthorizerStatus?)null, true),
            "authorized" => (AuthorizerStatus.Authorized, true),
            "revoked" => (AuthorizerStatus.Revoked, true),
            _ => (null, false),
        };
        return known;
    }

    private static int? ParseLimit(string? value) =>
        value is null ? DefaultLimit
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit ? limit
        : null;
}
