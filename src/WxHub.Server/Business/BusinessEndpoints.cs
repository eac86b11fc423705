using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Core.Credentials;
using WxHub.Protocol.Signatures;
using WxHub.Server.Http;

namespace WxHub.Server.Business;

/// <summary>
/// The business API: access tokens, tickets and JS-SDK signatures for business servers (API keys), and the refresh
/// history for operators (admin key). Endpoints only translate; <see cref="ICredentialProvider"/> does the work.
/// </summary>
public static class BusinessEndpoints
{
    private const int DefaultEventLimit = 100;
    private const int MaxEventLimit = 1000;
    private const string NonceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static IEndpointRouteBuilder MapBusinessApi(this IEndpointRouteBuilder endpoints)
    {
        var token = endpoints.MapGroup("/v1/apps/{appid}/access-token").RequireAppAccess(ApiScopes.AccessToken);
        token.MapGet("", ReadAccessTokenAsync);
        token.MapPost("/invalidate", async (string appid, HttpRequest request, ICredentialProvider credentials, TimeProvider time) =>
        {
            var body = await JsonBody.ReadAsync(request, BusinessJsonContext.Default.AccessTokenInvalidation);
            if (body.Error is not null) return body.Error;
            if (string.IsNullOrEmpty(body.Value!.AccessToken))
                return ApiErrors.BadRequest("invalid_request", "'access_token' is required: the access token WeChat rejected (40001, 40014 or 42001).");
            return TokenResult(appid, await credentials.InvalidateAsync(AccessToken(appid), body.Value.AccessToken, request.HttpContext.RequestAborted), time);
        });

        var tickets = endpoints.MapGroup("/v1/apps/{appid}/tickets/{type}").RequireAppAccess(ApiScopes.Tickets);
        tickets.MapGet("", async (string appid, string type, ICredentialProvider credentials, TimeProvider time, CancellationToken cancellation) =>
            TicketKind(type) is { } kind
                ? TicketResult(await credentials.GetAsync(new(appid, kind), cancellation), time)
                : UnknownTicketType(type));
        tickets.MapPost("/invalidate", async (string appid, string type, HttpRequest request, ICredentialProvider credentials, TimeProvider time) =>
        {
            if (TicketKind(type) is not { } kind) return UnknownTicketType(type);
            var body = await JsonBody.ReadAsync(request, BusinessJsonContext.Default.TicketInvalidation);
            if (body.Error is not null) return body.Error;
            if (string.IsNullOrEmpty(body.Value!.Ticket))
                return ApiErrors.BadRequest("invalid_request", "'ticket' is required: the ticket WeChat rejected.");
            return TicketResult(await credentials.InvalidateAsync(new(appid, kind), body.Value.Ticket, request.HttpContext.RequestAborted), time);
        });

        endpoints.MapGroup("/v1/apps/{appid}/jssdk").RequireAppAccess(ApiScopes.JsSdk)
            .MapPost("/signature", async (string appid, HttpRequest request, ICredentialProvider credentials, TimeProvider time) =>
            {
                var body = await JsonBody.ReadAsync(request, BusinessJsonContext.Default.SignatureRequest);
                if (body.Error is not null) return body.Error;
                var url = body.Value!.Url;
                if (!Uri.TryCreate(url, UriKind.Absolute, out var page) || (page.Scheme != Uri.UriSchemeHttp && page.Scheme != Uri.UriSchemeHttps))
                    return ApiErrors.BadRequest("invalid_url", "'url' is required: the full http(s) URL of the page calling wx.config, as the browser shows it (its #fragment is dropped).");

                var ticket = await credentials.GetAsync(new(appid, CredentialKind.JsapiTicket), request.HttpContext.RequestAborted);
                if (!ticket.Found) return FaultResult(ticket.Fault);
                var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
                var nonce = RandomNumberGenerator.GetString(NonceAlphabet, 16);
                var signature = JsSdkSignature.Compute(ticket.Credential.Value, nonce, timestamp, url!);
                return Results.Json(new SignatureView(appid, timestamp, nonce, signature, body.Value.JsApiList), BusinessJsonContext.Default.SignatureView);
            });

        endpoints.MapGroup("/v1/admin/apps/{appid}").RequireAdmin()
            .MapGet("/events", async (string appid, int? limit, IAppStore apps, IRefreshEventStore events, CredentialManager manager, CancellationToken cancellation) =>
            {
                if (limit is < 1 or > MaxEventLimit)
                    return ApiErrors.BadRequest("invalid_limit", $"'limit' must be between 1 and {MaxEventLimit} (default {DefaultEventLimit}).");
                if (await apps.GetAsync(appid, cancellation) is null) return AppNotRegistered(appid);
                var recent = await events.ListAsync(appid, limit ?? DefaultEventLimit, cancellation);
                return Results.Json(new AppEventsView(appid,
                    manager.GetStatus(appid).Select(CredentialStatusView.From).ToList(),
                    recent.Select(RefreshEventView.From).ToList()), BusinessJsonContext.Default.AppEventsView);
            });

        return endpoints;
    }

    /// <summary>
    /// The busiest route, as a plain request delegate: business servers read their token on every WeChat call, and
    /// parameter binding (services and route values boxed into an argument array) would cost more than the read itself.
    /// The answer is written with its length from <see cref="AccessTokenAnswers"/>.
    /// </summary>
    private static async Task ReadAccessTokenAsync(HttpContext http)
    {
        var appid = (string)http.Request.RouteValues["appid"]!;
        var services = http.RequestServices;
        var lookup = await services.GetRequiredService<ICredentialProvider>().GetAsync(AccessToken(appid), http.RequestAborted);
        if (!lookup.Found)
        {
            await FaultResult(lookup.Fault).ExecuteAsync(http);
            return;
        }
        var json = AccessTokenAnswers.Of(lookup.Credential, SecondsLeft(lookup.Credential, services.GetRequiredService<TimeProvider>()));
        http.Response.ContentType = AccessTokenAnswers.ContentType;
        http.Response.ContentLength = json.Length;
        await http.Response.BodyWriter.WriteAsync(json, http.RequestAborted);
    }

    private static CredentialKey AccessToken(string appid) => new(appid, CredentialKind.AccessToken);

    private static CredentialKind? TicketKind(string type) => type switch
    {
        "jsapi" => CredentialKind.JsapiTicket,
        "wx_card" => CredentialKind.WxCardTicket,
        _ => null,
    };

    private static IResult TokenResult(string appid, CredentialLookup lookup, TimeProvider time) =>
        lookup.Found
            ? Results.Json(new AccessTokenView(appid, lookup.Credential.Value, WireNames.Time(lookup.Credential.ExpiresAt)!, SecondsLeft(lookup.Credential, time)),
                BusinessJsonContext.Default.AccessTokenView)
            : FaultResult(lookup.Fault);

    private static IResult TicketResult(CredentialLookup lookup, TimeProvider time) =>
        lookup.Found
            ? Results.Json(new TicketView(lookup.Credential.Value, WireNames.Time(lookup.Credential.ExpiresAt)!, SecondsLeft(lookup.Credential, time)),
                BusinessJsonContext.Default.TicketView)
            : FaultResult(lookup.Fault);

    internal static long SecondsLeft(StoredCredential credential, TimeProvider time) =>
        (long)Math.Floor((credential.ExpiresAt - time.GetUtcNow()).TotalSeconds);

    /// <summary>The credential cannot be had now: 503, with WeChat's errcode and what an operator should do.</summary>
    internal static IResult FaultResult(CredentialFault fault) =>
        ApiErrors.Create(fault.Error == CredentialFault.AppNotFound ? StatusCodes.Status404NotFound : StatusCodes.Status503ServiceUnavailable,
            fault.Error, fault.Message, fault.ErrCode);

    private static IResult AppNotRegistered(string appid)
    {
        var notFound = AppAdministration.NotFound(appid);
        return ApiErrors.NotFound(notFound.Error!, notFound.Message!);
    }

    private static IResult UnknownTicketType(string type) =>
        ApiErrors.NotFound("unknown_ticket_type", $"There is no '{type}' ticket: use /tickets/jsapi or /tickets/wx_card.");
}
