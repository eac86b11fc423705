using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using WxHub.Core;
using WxHub.Core.Access;
using WxHub.Core.MiniProgram;
using WxHub.Core.OAuth;
using WxHub.Server.Http;

namespace WxHub.Server.Logins;

/// <summary>
/// The login broker: the browser side of web authorization and QR-code login (<c>/oauth/{appid}/…</c>), the business
/// side (<c>/v1/oauth/exchange</c>, <c>/v1/apps/{appid}/oauth/…</c>) and Mini Program login. Endpoints only translate.
/// </summary>
public static class LoginEndpoints
{
    public static IEndpointRouteBuilder MapLoginEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var browser = endpoints.MapGroup("/oauth/{appid}");
        browser.MapGet("/authorize", async (string appid, HttpRequest request, WebAuthorization authorization, IOptions<OAuthOptions> options) =>
        {
            var query = request.Query;
            var started = await authorization.StartAsync(
                new AuthorizeRequest(appid, query["redirect_uri"], NullIfEmpty(query["scope"]), query["state"], NullIfEmpty(query["component_appid"])),
                CallbackUrl(request, appid, options.Value), request.HttpContext.RequestAborted);
            return started.Succeeded ? Results.Redirect(started.Value) : ApiErrors.From(started.Problem);
        });
        browser.MapGet("/callback", async (string appid, HttpRequest request, WebAuthorization authorization) =>
        {
            var completed = await authorization.CompleteAsync(appid, request.Query["code"], request.Query["state"], request.HttpContext.RequestAborted);
            return completed.Succeeded ? Results.Redirect(completed.Value) : ApiErrors.From(completed.Problem);
        });

        endpoints.MapPost("/v1/oauth/exchange", async (HttpRequest request, WebAuthorization authorization) =>
        {
            var body = await JsonBody.ReadAsync(request, LoginJsonContext.Default.ExchangeBody);
            if (body.Error is not null) return body.Error;
            var key = request.HttpContext.GetApiKey();
            return SignInResult(await authorization.RedeemAsync(body.Value!.Code, appid => key.AllowsAsync(appid, ApiScopes.OAuth, request.HttpContext), request.HttpContext.RequestAborted));
        }).RequireApiKey(ApiScopes.OAuth);

        var oauth = endpoints.MapGroup("/v1/apps/{appid}/oauth").RequireAppAccess(ApiScopes.OAuth);
        oauth.MapPost("/code", async (string appid, HttpRequest request, CodeSignIn codes) =>
        {
            var body = await JsonBody.ReadAsync(request, LoginJsonContext.Default.WeChatCodeBody);
            if (body.Error is not null) return body.Error;
            return SignInResult(await codes.SignInAsync(appid, body.Value!.Code, NullIfEmpty(body.Value.ComponentAppid), request.HttpContext.RequestAborted));
        });
        oauth.MapPost("/userinfo", async (string appid, HttpRequest request, OAuthProfileRefresh profiles) =>
        {
            var body = await JsonBody.ReadAsync(request, LoginJsonContext.Default.ProfileBody);
            if (body.Error is not null) return body.Error;
            if (string.IsNullOrEmpty(body.Value!.Openid))
                return ApiErrors.BadRequest("invalid_request", "'openid' is required: the user whose fresh profile you want (they must have signed in with snsapi_userinfo or snsapi_login).");
            return SignInResult(await profiles.GetAsync(appid, body.Value.Openid, request.HttpContext.RequestAborted));
        });

        var miniProgram = endpoints.MapGroup("/v1/apps/{appid}/miniprogram").RequireAppAccess(ApiScopes.MiniProgram);
        miniProgram.MapPost("/session", async (string appid, HttpRequest request, MiniProgramLogin login) =>
        {
            var body = await JsonBody.ReadAsync(request, LoginJsonContext.Default.MiniProgramSessionBody);
            if (body.Error is not null) return body.Error;
            var signIn = await login.SignInAsync(appid, body.Value!.JsCode, NullIfEmpty(body.Value.ComponentAppid), request.HttpContext.RequestAborted);
            return signIn.Succeeded
                ? Results.Json(MiniProgramSessionView.From(signIn.Value), LoginJsonContext.Default.MiniProgramSessionView)
                : ApiErrors.From(signIn.Problem);
        });
        miniProgram.MapPost("/decrypt", async (string appid, HttpRequest request, MiniProgramLogin login) =>
        {
            var body = await JsonBody.ReadAsync(request, LoginJsonContext.Default.DecryptBody);
            if (body.Error is not null) return body.Error;
            var b = body.Value!;
            var data = await login.DecryptAsync(appid, b.SessionId, b.EncryptedData, b.Iv, request.HttpContext.RequestAborted);
            // The decrypted object goes out as WeChat made it (user info or phone number, with its watermark).
            return data.Succeeded ? Results.Text(data.Value, "application/json") : ApiErrors.From(data.Problem);
        });
        return endpoints;
    }

    private static IResult SignInResult(Outcome<SignIn> signIn) =>
        signIn.Succeeded ? Results.Json(SignInView.From(signIn.Value), LoginJsonContext.Default.SignInView) : ApiErrors.From(signIn.Problem);

    /// <summary>WeChat sends the person back here: the configured public URL, or the address the browser used to reach WxHub.</summary>
    private static Uri CallbackUrl(HttpRequest request, string appid, OAuthOptions options)
    {
        var root = options.PublicUrl?.AbsoluteUri.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}{request.PathBase}";
        return new Uri($"{root}/oauth/{Uri.EscapeDataString(appid)}/callback");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
