using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using WxHub.Emulator.Api;

namespace WxHub.Emulator.Pages;

/// <summary>A browser page that cannot go on (bad parameters); shown as WeChat shows its error pages, as HTML.</summary>
internal sealed class PageProblem(string message) : Exception(message);

/// <summary>
/// The pages a person sees: authorization, OAuth consent, QR login. Each is a form that GETs the same URL again with
/// <c>emulator_approve=1|0</c> and <c>emulator_user</c>, so a test can skip the form and follow redirects.
/// </summary>
internal static class ConsentPage
{
    public const string ApproveParameter = "emulator_approve";
    public const string UserParameter = "emulator_user";
    public const string AccountParameter = "emulator_appid";

    /// <summary>True to approve, false to refuse, null to show the page.</summary>
    public static bool? Decision(ApiCall call) => call.Query(ApproveParameter) switch
    {
        "1" => true,
        "0" => false,
        null => null,
        _ => throw new PageProblem($"{ApproveParameter} must be 1 (approve) or 0 (refuse)."),
    };

    /// <param name="accounts">When the person must pick an account (platform authorization): value and label of each.</param>
    public static IResult Show(ApiCall call, string heading, string detail, IReadOnlyList<(string Value, string Label)>? accounts = null)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").Append(Encode(heading)).Append("</title></head><body>");
        html.Append("<h1>").Append(Encode(heading)).Append("</h1><p>").Append(Encode(detail)).Append("</p>");
        html.Append("<form method=\"get\" action=\"").Append(Encode(call.Path)).Append("\">");
        foreach (var (name, values) in call.Http.Request.Query)
        {
            if (name.StartsWith("emulator_", StringComparison.Ordinal)) continue;
            foreach (var value in values)
                html.Append("<input type=\"hidden\" name=\"").Append(Encode(name)).Append("\" value=\"").Append(Encode(value)).Append("\">");
        }
        if (accounts is not null)
        {
            html.Append("<p><label>Account <select name=\"").Append(AccountParameter).Append("\">");
            foreach (var (value, label) in accounts)
                html.Append("<option value=\"").Append(Encode(value)).Append("\">").Append(Encode(label)).Append("</option>");
            html.Append("</select></label></p>");
        }
        html.Append("<p><label>WeChat user id <input name=\"").Append(UserParameter).Append("\" value=\"")
            .Append(Encode(call.Query(UserParameter) ?? "")).Append("\" placeholder=\"new user\"></label></p>");
        html.Append("<button name=\"").Append(ApproveParameter).Append("\" value=\"1\">Allow</button> ");
        html.Append("<button name=\"").Append(ApproveParameter).Append("\" value=\"0\">Refuse</button>");
        html.Append("</form></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    public static IResult Problem(string message) => Results.Content(
        $"<!doctype html><html><head><meta charset=\"utf-8\"><title>Error</title></head><body><h1>Error</h1><p>{Encode(message)}</p></body></html>",
        "text/html; charset=utf-8",
        statusCode: StatusCodes.Status400BadRequest);

    /// <summary>302 to <paramref name="uri"/> with the given parameters added to its query (before any fragment).</summary>
    public static IResult Redirect(Uri uri, params (string Name, string? Value)[] parameters) =>
        Results.Redirect(QueryHelpers.AddQueryString(uri.ToString(), parameters
            .Where(p => p.Value is not null)
            .Select(p => new KeyValuePair<string, string?>(p.Name, p.Value))));

    public static Uri RedirectUri(ApiCall call, string parameter = "redirect_uri")
    {
        var value = call.Query(parameter) ?? throw new PageProblem($"{parameter} is missing.");
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new PageProblem($"{parameter} must be an absolute http(s) URL (URL-encoded in the query).");
    }

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");
}
