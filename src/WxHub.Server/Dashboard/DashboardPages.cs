using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using WxHub.Core.Access;
using WxHub.Core.Credentials;

namespace WxHub.Server.Dashboard;

/// <summary>What the overview shows of one app: its credentials and today's calls per WeChat endpoint.</summary>
public sealed record AppOverview(string Appid, IReadOnlyList<CredentialReportRow> Credentials, IReadOnlyList<(string Endpoint, long Used, long Budget)> Quota);

/// <summary>Server-rendered HTML of the dashboard; every value is HTML-encoded, nothing is loaded from elsewhere.</summary>
internal static class DashboardPages
{
    private const string Style = """
        body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
        td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}th{background:#f3f3f3}
        .valid{color:#176b2c}.failing,.expired,.missing{color:#b00020;font-weight:bold}.fix{color:#b00020}
        .shown-once{background:#fff8d0;padding:1em;border:1px solid #e0c000}form.inline{display:inline}
        """;

    public static string Login(string? problem) => Page("Sign in", $"""
        <h1>WxHub</h1>
        {(problem is null ? "" : $"<p class=\"fix\">{E(problem)}</p>")}
        <form method="post" action="/login">
        <label>Admin key <input type="password" name="admin_key" autocomplete="current-password" autofocus></label>
        <button type="submit">Sign in</button>
        </form>
        <p>The admin key is in <code>&lt;data&gt;/admin-key</code> or <code>WXHUB_ADMIN_KEY</code>.</p>
        """);

    public static string Overview(IReadOnlyList<AppOverview> apps, IReadOnlyList<ApiKey> keys, DashboardSession session, DateTimeOffset now, string? createdKey)
    {
        var html = new StringBuilder();
        html.Append($"""
            <h1>WxHub</h1>
            <form class="inline" method="post" action="/logout">{Csrf(session)}<button type="submit">Sign out</button></form>
            <h2>Apps</h2>
            """);
        if (apps.Count == 0) html.Append("<p>No apps are registered yet: <code>./wxhub app add</code> or <code>POST /v1/admin/apps</code>.</p>");
        foreach (var app in apps)
        {
            html.Append($"<h3 id=\"{E(app.Appid)}\">{E(app.Appid)}</h3><table><tr><th>Credential</th><th>State</th><th>Time left</th><th>Last refresh</th><th>Error and fix</th></tr>");
            foreach (var row in app.Credentials)
            {
                var last = row.LastRefresh is { } e ? $"{e.At:yyyy-MM-dd HH:mm:ss} UTC, {e.Reason.ToString().ToLowerInvariant()}: {e.Outcome.ToString().ToLowerInvariant()}" : "never";
                var fix = row.LastError is { } f ? $"{(f.ErrCode is { } code ? $"errcode {code}: " : "")}{f.Detail}" : "";
                var left = row.ExpiresAt is { } expires
                    ? $"<span data-expires=\"{expires.ToUnixTimeSeconds()}\" data-now=\"{now.ToUnixTimeSeconds()}\">{Duration(row.TimeLeft ?? TimeSpan.Zero)}</span>"
                    : "-";
                var state = row.State.ToString().ToLowerInvariant();
                html.Append($"<tr><td>{E(row.Key.Kind.ToString())}</td><td class=\"{state}\">{state}</td><td>{left}</td><td>{E(last)}</td><td class=\"fix\">{E(fix)}</td></tr>");
            }
            html.Append("</table><table><tr><th>Endpoint</th><th>Calls today</th><th>Daily budget</th></tr>");
            foreach (var (endpoint, used, budget) in app.Quota)
                html.Append($"<tr><td>{E(endpoint)}</td><td>{used.ToString(CultureInfo.InvariantCulture)}</td><td>{budget.ToString(CultureInfo.InvariantCulture)}</td></tr>");
            html.Append("</table>");
        }

        html.Append("<h2>API keys</h2>");
        if (createdKey is not null)
            html.Append($"<p class=\"shown-once\">New key, shown this once: <code id=\"created-key\">{E(createdKey)}</code></p>");
        html.Append("<table><tr><th>Id</th><th>Name</th><th>Apps</th><th>State</th><th></th></tr>");
        foreach (var key in keys)
        {
            var revoke = key.IsRevoked ? "" : $"<form class=\"inline\" method=\"post\" action=\"/keys/{E(key.Id)}/revoke\">{Csrf(session)}<button type=\"submit\">Revoke</button></form>";
            html.Append($"<tr><td>{E(key.Id)}</td><td>{E(key.Name)}</td><td>{E(string.Join(", ", key.Apps))}</td><td>{(key.IsRevoked ? "revoked" : "active")}</td><td>{revoke}</td></tr>");
        }
        html.Append($"""
            </table>
            <form method="post" action="/keys">{Csrf(session)}
            <label>Name <input name="name" required></label>
            <label>Apps (comma-separated, or *) <input name="apps" required></label>
            <button type="submit">Create key</button>
            </form>
            <script src="/dashboard.js"></script>
            """);
        return Page("WxHub", html.ToString());
    }

    public static string Problem(string message) => Page("WxHub", $"<h1>WxHub</h1><p class=\"fix\">{E(message)}</p><p><a href=\"/\">Back</a></p>");

    /// <summary>Counts every <c>data-expires</c> down each second, from the server's clock at render time.</summary>
    public const string Script = """
        const started = Date.now();
        function tick() {
          for (const el of document.querySelectorAll('[data-expires]')) {
            const left = Math.max(0, el.dataset.expires - el.dataset.now - Math.floor((Date.now() - started) / 1000));
            const h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
            el.textContent = `${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
          }
        }
        tick();
        setInterval(tick, 1000);
        """;

    private static string Duration(TimeSpan left) => $"{(int)left.TotalHours}h{left.Minutes:D2}m{left.Seconds:D2}s";

    private static string Csrf(DashboardSession session) => $"<input type=\"hidden\" name=\"csrf\" value=\"{E(session.CsrfToken)}\">";

    private static string Page(string title, string body) =>
        $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(title)}</title><style>{Style}</style></head><body>{body}</body></html>";

    private static string E(string value) => HtmlEncoder.Default.Encode(value);
}
