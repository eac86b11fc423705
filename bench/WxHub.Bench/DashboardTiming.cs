using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace WxHub.Bench;

/// <summary>
/// The dashboard's authorizer pages against a store of many authorizers: first and deep pages (keyset), and searches
/// by appid prefix and by name prefix, narrow and broad, each timed over real HTTP with a signed-in session.
/// </summary>
internal static partial class DashboardTiming
{
    private const int Warmup = 3;
    private const int Rounds = 30;

    public sealed record Timing(string Page, int Rows, double MedianMs, double P95Ms);

    /// <summary>
    /// Names the stored authorizers (a sync stores none): "Shop n" for all but every thousandth, "Tea House n" for those,
    /// so a name search can match almost every authorizer or a hundred. Run while no server holds the store.
    /// </summary>
    public static void NameAuthorizers(string dataFolder)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataFolder, "wxhub.db")}");
        connection.Open();
        using var update = connection.CreateCommand();
        update.CommandText = """
            UPDATE authorizers SET name = CASE WHEN rowid % 1000 = 0 THEN 'Tea House ' ELSE 'Shop ' END || rowid;
            UPDATE authorizers SET name_key = lower(name);
            """;
        update.ExecuteNonQuery();
    }

    public static async Task<IReadOnlyList<Timing>> MeasureAsync(Uri server, string adminKey, string component, string appidPrefix, int count)
    {
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server, Timeout = TimeSpan.FromMinutes(1) };
        var form = await browser.GetStringAsync("/");
        var csrf = Csrf().Match(form).Groups[1].Value;
        using (var login = await browser.PostAsync("/login", new FormUrlEncodedContent([new("csrf", csrf), new("password", adminKey)])))
            if (!(await login.Content.ReadAsStringAsync()).Contains("action=\"/logout\"", StringComparison.Ordinal))
                throw new InvalidOperationException("The benchmark could not sign in to the dashboard.");

        var platform = $"/platforms/{component}";
        var deep = $"{appidPrefix}{count * 9 / 10:D10}";
        var narrowAppid = $"{appidPrefix}{count / 100 - 1:D8}"; // the last hundredth: 100 authorizers of 100,000
        var pages = new (string Name, string Path)[]
        {
            ("Overview (apps, platforms, 24-hour chart)", "/"),
            ("Authorizers, first page", platform),
            ($"Authorizers, page after {deep} (keyset)", $"{platform}?after={deep}"),
            ($"Search by appid prefix '{narrowAppid}'", $"{platform}?q={narrowAppid}"),
            ("Search by name prefix 'tea house' (1 in 1,000 match)", $"{platform}?q=tea+house"),
            ("Search by name prefix 'shop' (999 in 1,000 match)", $"{platform}?q=shop"),
            ("Search matching nothing", $"{platform}?q=nobody"),
        };
        var timings = new List<Timing>();
        foreach (var (name, path) in pages)
        {
            var page = "";
            var samples = new List<double>();
            for (var i = 0; i < Warmup + Rounds; i++)
            {
                var watch = Stopwatch.StartNew();
                page = await browser.GetStringAsync(path);
                if (i >= Warmup) samples.Add(watch.Elapsed.TotalMilliseconds);
            }
            samples.Sort();
            var rows = Regex.Matches(Regex.Match(page, "<table id=\"authorizers\">.*?</table>", RegexOptions.Singleline).Value, "<tr><td>").Count;
            timings.Add(new Timing(name, rows, samples[samples.Count / 2], samples[(int)Math.Ceiling(samples.Count * 0.95) - 1]));
        }
        return timings;
    }

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex Csrf();
}
