using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using WxHub.Core.Components;
using WxHub.Server.Http;

namespace WxHub.Server.Components;

/// <summary>
/// The browser's way through an authorization: <c>GET /wechat/component/{component_appid}/authorize?redirect=…</c>
/// sends the administrator to WeChat's page, and WeChat sends them back to <c>/authorized</c>, where the grant is
/// exchanged and stored before the browser goes on to the business URL with the result
/// (<c>authorizer_appid</c>, <c>status</c>, <c>scopes</c>, or <c>error</c> and <c>message</c>).
/// </summary>
public sealed class AuthorizationHandler(AuthorizationGrants grants, IOptions<ComponentOptions> options)
{
    public async Task<IResult> BeginAsync(string componentAppid, HttpRequest request)
    {
        if (BusinessUrl(request) is not { } redirect)
            return ApiErrors.BadRequest("invalid_redirect", "'redirect' is required: the absolute http(s) URL of the business page the administrator returns to after authorizing.");
        var authType = Query(request, "auth_type");
        if (authType is not null && !int.TryParse(authType, out _))
            return ApiErrors.BadRequest("invalid_auth_type", "'auth_type' is a number: 1 Official Accounts only, 2 Mini Programs only, 3 both (the default).");
        var mobile = Query(request, "mobile") switch
        {
            "1" or "true" => true,
            "0" or "false" => false,
            _ => IsPhone(request.Headers.UserAgent.ToString()),
        };

        var callback = new Uri(PublicBase(request), $"/wechat/component/{Uri.EscapeDataString(componentAppid)}/authorized?redirect={Uri.EscapeDataString(redirect.AbsoluteUri)}");
        var page = await grants.AuthorizationPageAsync(componentAppid, callback, authType, Query(request, "biz_appid"), mobile, request.HttpContext.RequestAborted);
        return page.Succeeded ? Results.Redirect(page.Value.AbsoluteUri) : ApiErrors.From(page.Problem);
    }

    public async Task<IResult> CompleteAsync(string componentAppid, HttpRequest request)
    {
        var redirect = BusinessUrl(request);
        if (Query(request, "auth_code") is not { } code)
        {
            return redirect is null
                ? ApiErrors.BadRequest("missing_auth_code", "WeChat sends the administrator here with 'auth_code' after they authorize; without it the authorization was refused or the link is not WeChat's.")
                : Back(redirect, ("error", "access_denied"), ("message", "The administrator did not authorize the platform."));
        }

        var outcome = await grants.CompleteAsync(componentAppid, code, null, "authorized");
        if (redirect is null)
            return outcome.Succeeded ? Results.Text($"Authorized: {outcome.Value.Appid}", "text/plain") : ApiErrors.From(outcome.Problem);
        return outcome.Succeeded
            ? Back(redirect, ("authorizer_appid", outcome.Value.Appid), ("status", "authorized"), ("scopes", string.Join(",", outcome.Value.Scopes)))
            : Back(redirect, ("error", outcome.Problem.Code), ("message", outcome.Problem.Message));
    }

    private Uri PublicBase(HttpRequest request) =>
        options.Value.PublicUrl ?? new Uri($"{request.Scheme}://{request.Host}");

    private static Uri? BusinessUrl(HttpRequest request) =>
        Uri.TryCreate(Query(request, "redirect"), UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) ? url : null;

    private static string? Query(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) && values.ToString() is { Length: > 0 } value ? value : null;

    /// <summary>A phone's browser (WeChat's in-app one included) gets the link that opens inside WeChat instead of a QR code.</summary>
    private static bool IsPhone(string userAgent) =>
        userAgent.Contains("MicroMessenger", StringComparison.OrdinalIgnoreCase)
        || userAgent.Contains("Android", StringComparison.OrdinalIgnoreCase)
        || userAgent.Contains("iPhone", StringComparison.OrdinalIgnoreCase);

    private static IResult Back(Uri redirect, params (string Name, string Value)[] result) =>
        Results.Redirect(QueryHelpers.AddQueryString(redirect.AbsoluteUri, result.Select(r => new KeyValuePair<string, string?>(r.Name, r.Value))));
}
