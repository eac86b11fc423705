using System.Net;
using System.Text.RegularExpressions;

namespace WxHub.Server.Tests.Operations;

/// <summary>
/// The dashboard as a browser without JavaScript uses it: cookies kept, each form posted with the antiforgery token of
/// the page it came from.
/// </summary>
public sealed partial class DashboardBrowser(Uri address) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true }) { BaseAddress = address };

    /// <summary>The last page fetched or answered to a post.</summary>
    public string Page { get; private set; } = "";

    public async Task<string> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        Page = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {Page}");
        return Page;
    }

    /// <summary>Posts a form with the CSRF token of the page last fetched (as the page's own form would).</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, params (string Name, string Value)[] fields)
    {
        var response = await PostWithoutTokenAsync(path, [("csrf", CsrfToken(Page)), .. fields]);
        Page = await response.Content.ReadAsStringAsync();
        return response;
    }

    public Task<HttpResponseMessage> PostWithoutTokenAsync(string path, params (string Name, string Value)[] fields) =>
        _http.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));

    public async Task SignInAsync(string password)
    {
        await GetAsync("/");
        using var response = await PostAsync("/login", ("password", password));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("action=\"/logout\"", Page);
    }

    public static string CsrfToken(string page) => Csrf().Match(page) is { Success: true } match ? match.Groups[1].Value : "";

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex Csrf();
}
