using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using WxHub.Core.Access;
using WxHub.Core.Credentials;
using WxHub.Protocol.Errors;

namespace WxHub.Server.Dashboard;

/// <summary>
/// Server-rendered HTML of the dashboard. Every value is HTML-encoded; nothing is loaded from elsewhere (style and
/// script are served by WxHub, the chart is inline SVG), so the pages carry a strict Content-Security-Policy.
/// <paramref name="csrf"/> arguments are the antiforgery request token every form posts back.
/// </summary>
internal static class DashboardPages
{
    public static string Login(string csrf, string? problem, bool passwordConfigured) => Page("Sign in", null, $"""
        <h1>WxHub</h1>
        {(problem is null ? "" : $"<p class=\"fix\" role=\"alert\">{E(problem)}</p>")}
        <form method="post" action="/login">{Csrf(csrf)}
        <label>{(passwordConfigured ? "Admin key or operator password" : "Admin key")} <input type="password" name="password" autocomplete="current-password" autofocus required></label>
        <button type="submit">Sign in</button>
        </form>
        <p>The admin key is in <code>&lt;data&gt;/admin-key</code> or <code>WXHUB_ADMIN_KEY</code>.{(passwordConfigured ? "" : " An operator password can be set with <code>wxhub dashboard hash-password</code>.")}</p>
        """);

    public static string Overview(Overview overview, string csrf)
    {
        var html = new StringBuilder("<h1>Overview</h1><h2>Refreshes and upstream errors, last 24 hours</h2>");
        html.Append(RefreshChart.Svg(overview.Hours, overview.Now));
        html.Append("<h2>Apps</h2>");
        if (overview.Apps.Count == 0) html.Append("<p>No apps are registered yet: <code>./wxhub app add</code> or <code>POST /v1/admin/apps</code>.</p>");
        foreach (var app in overview.Apps)
        {
            html.Append($"<h3 id=\"{E(app.Appid)}\">{E(app.Appid)}</h3>");
            Credentials(html, app, overview.Now);
            Quota(html, app);
            html.Append($"<p><a href=\"/callbacks/{U(app.Appid)}\">Callbacks of {E(app.Appid)}</a></p>");
        }
        html.Append("<h2>Third-party platforms</h2>");
        if (overview.Platforms.Count == 0) html.Append("<p>No platforms are registered: <code>./wxhub component add</code>.</p>");
        else
        {
            html.Append("<table><tr><th>Platform</th><th>Authorized</th><th>Revoked</th></tr>");
            foreach (var p in overview.Platforms)
                html.Append($"<tr><td><a href=\"/platforms/{U(p.ComponentAppid)}\">{E(p.ComponentAppid)}</a></td><td>{N(p.Authorized)}</td><td>{N(p.Revoked)}</td></tr>");
            html.Append("</table>");
        }
        return Page("WxHub", csrf, html.ToString());
    }

    public static string Platform(PlatformPage page, string csrf)
    {
        var id = page.Platform.Appid;
        var html = new StringBuilder($"<h1>Platform {E(id)}</h1><p>{N(page.Authorized)} authorized, {N(page.Revoked)} revoked.</p>");
        Credentials(html, page.Platform, page.Now);
        Quota(html, page.Platform);
        html.Append($"""
            <h2>Authorizers</h2>
            <form method="get" action="/platforms/{U(id)}" role="search">
            <label>Appid or name starts with <input type="search" name="q" value="{E(page.Search ?? "")}"></label>
            <button type="submit">Search</button>
            </form>
            """);
        if (page.Authorizers.Count == 0) html.Append(page.Search is null ? "<p>No authorizers.</p>" : "<p>No authorizer matches.</p>");
        else
        {
            html.Append("<table id=\"authorizers\"><tr><th>Appid</th><th>Name</th><th>Grant</th><th>Access token</th><th>Time left</th><th>Last refresh</th><th>Error and fix</th><th>Calls today</th></tr>");
            foreach (var row in page.Authorizers)
            {
                var a = row.Authorizer;
                var token = row.Account.Credentials.First(c => c.Key.Kind == CredentialKind.AccessToken);
                var calls = string.Join("<br>", row.Account.Quota.Select(q => $"{E(ShortEndpoint(q.Endpoint))}: {N(q.Used)}/{N(q.Budget)}"));
                html.Append($"<tr><td>{E(a.Appid)}</td><td>{E(a.Profile?.Name ?? "")}</td><td>{a.Status.ToString().ToLowerInvariant()}</td>")
                    .Append(CredentialCells(token, page.Now)).Append($"<td>{calls}</td></tr>");
            }
            html.Append("</table>");
        }
        var query = page.Search is null ? "" : $"q={U(page.Search)}";
        html.Append("<nav class=\"pages\">");
        if (page.After is not null) html.Append($"<a href=\"/platforms/{U(id)}?{query}\">First page</a> ");
        if (page.NextAfter is not null) html.Append($"<a rel=\"next\" href=\"/platforms/{U(id)}?{query}{(query.Length == 0 ? "" : "&amp;")}after={U(page.NextAfter)}\">Next page</a>");
        html.Append("</nav>");
        return Page($"Platform {id}", csrf, html.ToString());
    }

    public static string Backlogs(IReadOnlyList<CallbackBacklog> backlogs, string csrf)
    {
        var html = new StringBuilder("<h1>Callbacks</h1><p>Deliveries to subscribers not yet acknowledged, per account.</p>");
        html.Append("<table><tr><th>Account</th><th>Outbox backlog</th></tr>");
        foreach (var b in backlogs)
            html.Append($"<tr><td><a href=\"/callbacks/{U(b.Appid)}\">{E(b.Appid)}</a></td><td>{N(b.Undelivered)}</td></tr>");
        html.Append("</table>");
        return Page("Callbacks", csrf, html.ToString());
    }

    public static string Callbacks(CallbackPage page, string csrf)
    {
        var html = new StringBuilder($"<h1>Callbacks of {E(page.Appid)}</h1><p>Outbox backlog: <strong id=\"backlog\">{N(page.Backlog)}</strong> deliveries not yet acknowledged.</p>");
        html.Append($"<h2>Latest {DashboardQueries.CallbacksShown} pushes</h2>");
        if (page.Recent.Count == 0) html.Append("<p>No pushes received.</p>");
        else
        {
            html.Append("<table id=\"callbacks\"><tr><th>Received</th><th>Type</th><th>From</th><th>Outcome</th><th>Retries by WeChat</th><th>Encryption</th></tr>");
            foreach (var c in page.Recent)
                html.Append($"<tr><td>{Time(c.ReceivedAt)}</td><td>{E(c.MsgType)}{(c.Event is null ? "" : " / " + E(c.Event))}</td><td>{E(c.FromUserName)}</td>")
                    .Append($"<td class=\"outcome-{c.Outcome.ToString().ToLowerInvariant()}\">{c.Outcome.ToString().ToLowerInvariant()}</td><td>{N(c.Duplicates)}</td><td>{c.Encryption.ToString().ToLowerInvariant()}</td></tr>");
            html.Append("</table>");
        }
        html.Append("<h2>Undelivered</h2>");
        if (page.Undelivered.Count == 0) html.Append("<p>Every delivery is acknowledged.</p>");
        else
        {
            html.Append("<table><tr><th>Delivery</th><th>Subscriber</th><th>State</th><th>Attempts</th><th>Next attempt</th><th>Last error</th></tr>");
            foreach (var o in page.Undelivered)
                html.Append($"<tr><td>{E(o.Id)}</td><td>{E(o.SubscriberId)}</td><td>{o.State.ToString().ToLowerInvariant()}</td><td>{N(o.Attempts)}</td><td>{Time(o.NextAttemptAt)}</td><td class=\"fix\">{E(o.LastError ?? "")}</td></tr>");
            html.Append("</table>");
        }
        return Page($"Callbacks of {page.Appid}", csrf, html.ToString());
    }

    public static string Keys(IReadOnlyList<ApiKey> keys, string csrf, string? createdKey)
    {
        var html = new StringBuilder("<h1>API keys</h1>");
        if (createdKey is not null)
            html.Append($"<p class=\"shown-once\" role=\"status\">New key, shown this once; copy it now: <code id=\"created-key\">{E(createdKey)}</code></p>");
        html.Append("<table id=\"keys\"><tr><th>Id</th><th>Name</th><th>Apps</th><th>State</th><th></th></tr>");
        foreach (var key in keys)
        {
            var revoke = key.IsRevoked ? "" : $"<form class=\"inline\" method=\"post\" action=\"/keys/{U(key.Id)}/revoke\">{Csrf(csrf)}<button type=\"submit\">Revoke</button></form>";
            html.Append($"<tr><td>{E(key.Id)}</td><td>{E(key.Name)}</td><td>{E(string.Join(", ", key.Apps))}</td><td>{(key.IsRevoked ? "revoked" : "active")}</td><td>{revoke}</td></tr>");
        }
        html.Append($"""
            </table>
            <h2>New key</h2>
            <form method="post" action="/keys">{Csrf(csrf)}
            <label>Name <input name="name" required></label>
            <label>Apps (comma-separated, or *) <input name="apps" required></label>
            <button type="submit">Create key</button>
            </form>
            """);
        return Page("API keys", csrf, html.ToString());
    }

    public static string Problem(string message, string? csrf) => Page("WxHub", csrf, $"<h1>WxHub</h1><p class=\"fix\" role=\"alert\">{E(message)}</p><p><a href=\"/\">Back</a></p>");

    /// <summary>The rows of an account's credential table.</summary>
    private static void Credentials(StringBuilder html, AccountView account, DateTimeOffset now)
    {
        html.Append("<table class=\"credentials\"><tr><th>Credential</th><th>State</th><th>Time left</th><th>Last refresh</th><th>Error and fix</th></tr>");
        foreach (var row in account.Credentials)
            html.Append($"<tr><td>{E(row.Key.Kind.ToString())}</td>").Append(CredentialCells(row, now)).Append("</tr>");
        html.Append("</table>");
    }

    private static void Quota(StringBuilder html, AccountView account)
    {
        if (account.Quota.Count == 0)
        {
            html.Append("<p>No calls to WeChat today.</p>");
            return;
        }
        html.Append("<table class=\"quota\"><tr><th>Endpoint</th><th>Calls today</th><th>Daily budget</th><th>Used</th></tr>");
        foreach (var q in account.Quota)
            html.Append($"<tr><td>{E(q.Endpoint)}</td><td>{N(q.Used)}</td><td>{N(q.Budget)}</td><td><meter min=\"0\" max=\"{q.Budget}\" value=\"{q.Used}\" high=\"{q.Budget * 8 / 10}\"></meter></td></tr>");
        html.Append("</table>");
    }

    /// <summary>State, countdown, last refresh and the error with the operator's fix: the cells every credential row shares.</summary>
    private static string CredentialCells(CredentialReportRow row, DateTimeOffset now)
    {
        var state = row.State.ToString().ToLowerInvariant();
        var left = row.ExpiresAt is { } expires
            ? $"<span data-expires=\"{expires.ToUnixTimeSeconds()}\" data-now=\"{now.ToUnixTimeSeconds()}\">{Duration(row.TimeLeft ?? TimeSpan.Zero)}</span>"
            : "-";
        var last = row.LastRefresh is { } e ? $"{Time(e.At)}, {e.Reason.ToString().ToLowerInvariant()}: {e.Outcome.ToString().ToLowerInvariant()}" : "never";
        return $"<td class=\"{state}\">{state}</td><td>{left}</td><td>{last}</td><td class=\"fix\">{Fix(row.LastError)}</td>";
    }

    private static string Fix(RefreshEvent? error)
    {
        if (error is null) return "";
        if (error.ErrCode is not { } code) return E(error.Detail ?? "");
        var info = WeChatErrorCatalog.Describe(code);
        return $"<strong>errcode {code}</strong>: {E(info.Meaning)}<br><span class=\"advice\">Fix: {E(info.OperatorAction)}</span>"
            + (error.Detail is null ? "" : $"<details><summary>Details</summary>{E(error.Detail)}</details>");
    }

    private static string ShortEndpoint(string endpoint) => endpoint[(endpoint.LastIndexOf('/') + 1)..];

    private static string Duration(TimeSpan left) => $"{(int)left.TotalHours}h{left.Minutes:D2}m{left.Seconds:D2}s";

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Csrf(string csrf) => $"<input type=\"hidden\" name=\"csrf\" value=\"{E(csrf)}\">";

    /// <param name="csrf">Null on pages of a signed-out visitor, which get no navigation.</param>
    private static string Page(string title, string? csrf, string body)
    {
        var nav = csrf is null ? "" : $"""
            <header><nav><a href="/">Overview</a> <a href="/callbacks">Callbacks</a> <a href="/keys">API keys</a></nav>
            <form class="inline" method="post" action="/logout">{Csrf(csrf)}<button type="submit">Sign out</button></form></header>
            """;
        return $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(title)} · WxHub</title>"
            + $"<link rel=\"stylesheet\" href=\"/dashboard.css\"></head><body>{nav}<main>{body}</main><script src=\"/dashboard.js\"></script></body></html>";
    }

    internal static string E(string value) => HtmlEncoder.Default.Encode(value);

    private static string U(string value) => Uri.EscapeDataString(value);

    public const string Style = """
        body{font:14px system-ui,sans-serif;margin:0;color:#222}main{margin:1em 2em}
        header{display:flex;justify-content:space-between;align-items:center;background:#20303f;padding:.5em 2em}
        header a{color:#fff;margin-right:1.5em;text-decoration:none}header a:hover{text-decoration:underline}
        table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
        th{background:#f3f3f3}.valid{color:#176b2c;font-weight:bold}.refreshing{color:#8a6d00;font-weight:bold}
        .failing,.expired,.missing{color:#b00020;font-weight:bold}.fix{color:#b00020;max-width:40em}.advice{color:#222}
        .shown-once{background:#fff8d0;padding:1em;border:1px solid #e0c000}form.inline{display:inline}
        nav.pages a{margin-right:1em}svg.chart{font:11px system-ui,sans-serif}.bar-ok{fill:#3c9a5f}.bar-failed{fill:#d0455b}
        .bar-upstream{fill:#7a0019}
        i.bar-ok{background:#3c9a5f}i.bar-failed{background:#d0455b}i.bar-upstream{background:#7a0019}.legend span{margin-right:1.5em}.swatch{display:inline-block;width:.8em;height:.8em;margin-right:.3em}
        """;

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
}
