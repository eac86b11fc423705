using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Core.Components;
using WxHub.Core.Messages;
using WxHub.Server.Admin;
using WxHub.Server.Http;

namespace WxHub.Server.Messages;

/// <summary>
/// The callback URL WeChat is given (<c>/wechat/callback/{appid}</c>) and the message server's admin API under
/// <c>/v1/admin/apps/{appid}</c>: subscribers, recent callbacks, the outbox and its replay.
/// </summary>
public static class MessageServerEndpoints
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 500;

    private static readonly Dictionary<string, DeliveryState> States = Enum.GetValues<DeliveryState>().ToDictionary(OutboxEntryView.StateName);

    public static IEndpointRouteBuilder MapMessageServer(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/wechat/callback/{appid}", async (string appid, HttpRequest request, CallbackAuthenticator authenticator, UrlVerificationHandler handler) =>
            handler.Handle(appid, await authenticator.AuthenticateAsync(appid, request.Query, request.HttpContext.RequestAborted), request));
        endpoints.MapPost("/wechat/callback/{appid}", async (string appid, HttpRequest request, CallbackAuthenticator authenticator, PushHandler handler) =>
            await handler.HandleAsync(appid, await authenticator.AuthenticateAsync(appid, request.Query, request.HttpContext.RequestAborted), request));

        var app = endpoints.MapGroup("/v1/admin/apps/{appid}").RequireAdmin();

        app.MapPost("/subscribers", async (string appid, HttpRequest request, SubscriberAdministration subscribers, CallbackTargets targets) =>
        {
            var body = await JsonBody.ReadAsync(request, MessageAdminJsonContext.Default.SubscriberCreateBody);
            if (body.Error is not null) return body.Error;
            var b = body.Value!;
            var result = await subscribers.AddAsync(appid, new SubscriberRequest(b.Url, b.Secret, b.Events, b.Mode), request.HttpContext.RequestAborted);
            targets.Forget(appid);
            return result.Succeeded
                ? Results.Json(SubscriberView.From(result.Value!), MessageAdminJsonContext.Default.SubscriberView, statusCode: StatusCodes.Status201Created)
                : AdminEndpoints.Failure(result);
        });

        app.MapGet("/subscribers", async (string appid, SubscriberAdministration subscribers, CancellationToken cancellation) =>
            await subscribers.ListAsync(appid, cancellation) is { Succeeded: true } result
                ? Results.Json(result.Value!.Select(SubscriberView.From).ToList(), MessageAdminJsonContext.Default.ListSubscriberView)
                : AppNotFound(appid));

        app.MapDelete("/subscribers/{id}", async (string appid, string id, SubscriberAdministration subscribers, CallbackTargets targets, CancellationToken cancellation) =>
        {
            if (!await subscribers.RemoveAsync(appid, id, cancellation))
                return ApiErrors.NotFound("subscriber_not_found", $"App '{appid}' has no subscriber '{id}'. List them with GET /v1/admin/apps/{appid}/subscribers.");
            targets.Forget(appid);
            return Results.NoContent();
        });

        app.MapGet("/callbacks", async (string appid, string? limit, AccountDirectory accounts, ICallbackStore callbacks, CancellationToken cancellation) =>
        {
            if (ParseLimit(limit) is not { } count) return InvalidLimit();
            if (!await accounts.KnowsAsync(appid, cancellation)) return AppNotFound(appid);
            var recent = await callbacks.ListAsync(appid, count, cancellation);
            return Results.Json(recent.Select(CallbackView.From).ToList(), MessageAdminJsonContext.Default.ListCallbackView);
        });

        app.MapGet("/outbox", async (string appid, string? state, string? limit, AccountDirectory accounts, IOutboxStore outbox, CancellationToken cancellation) =>
        {
            if (ParseLimit(limit) is not { } count) return InvalidLimit();
            DeliveryState? only = null;
            if (state is not null)
            {
                if (!States.TryGetValue(state, out var parsed))
                    return ApiErrors.BadRequest("invalid_state", "'state' must be \"pending\", \"in_flight\" or \"delivered\"; omit it for all entries.");
                only = parsed;
            }
            if (!await accounts.KnowsAsync(appid, cancellation)) return AppNotFound(appid);
            var entries = await outbox.ListAsync(appid, only, count, cancellation);
            return Results.Json(entries.Select(OutboxEntryView.From).ToList(), MessageAdminJsonContext.Default.ListOutboxEntryView);
        });

        app.MapPost("/outbox/{id}/replay", async (string appid, string id, IOutboxStore outbox, OutboxDispatcher dispatcher, TimeProvider time, CancellationToken cancellation) =>
        {
            if (await outbox.ReplayAsync(appid, id, time.GetUtcNow(), cancellation) is { } replayed)
            {
                dispatcher.Wake();
                return Results.Json(OutboxEntryView.From(replayed), MessageAdminJsonContext.Default.OutboxEntryView, statusCode: StatusCodes.Status202Accepted);
            }
            return await outbox.GetAsync(appid, id, cancellation) is null
                ? ApiErrors.NotFound("outbox_entry_not_found", $"App '{appid}' has no outbox entry '{id}'. List them with GET /v1/admin/apps/{appid}/outbox.")
                : ApiErrors.Create(StatusCodes.Status409Conflict, "delivery_in_flight", $"Entry '{id}' is being sent right now; replay it once the attempt has finished.");
        });

        return endpoints;
    }

    private static int? ParseLimit(string? value) =>
        value is null ? DefaultLimit
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit ? limit
        : null;

    private static IResult InvalidLimit() => ApiErrors.BadRequest("invalid_limit", $"'limit' must be a whole number from 1 to {MaxLimit} (default {DefaultLimit}).");

    private static IResult AppNotFound(string appid) => ApiErrors.NotFound("app_not_found", AccountDirectory.NotFoundMessage(appid));
}
