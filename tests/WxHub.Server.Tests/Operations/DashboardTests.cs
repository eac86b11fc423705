using System.Net;
using System.Text.RegularExpressions;
using WxHub.Server.Dashboard;
using WxHub.Server.Tests.Credentials;

namespace WxHub.Server.Tests.Operations;

/// <summary>The dashboard over real HTTP with a cookie-keeping client, as a browser without JavaScript would use it.</summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";

    private HubFixture _hub = null!;
    private DashboardBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        // Few iterations keep the test quick; the hash's form carries its own count.
        _hub = await HubFixture.StartAsync(new Dictionary<string, string?> { ["Dashboard:OperatorPasswordHash"] = OperatorPassword.Hash(Password, iterations: 1_000) });
        _browser = new DashboardBrowser(_hub.Server.Address);
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _hub.DisposeAsync();
    }

    [Fact]
    public async Task An_operator_signs_in_sees_states_countdowns_the_whitelist_fix_and_the_chart_and_creates_and_revokes_a_key()
    {
        var healthy = await _hub.RegisterAppAsync();
        var blocked = await _hub.RegisterAppAsync(ipWhitelist: ["203.0.113.9"]);
        using (var client = await _hub.KeyClientAsync(healthy, blocked))
        {
            await client.AccessTokenAsync(healthy);
            await client.GetAsync($"/v1/apps/{blocked}/access-token").ErrorAsync(HttpStatusCode.ServiceUnavailable);
        }
        _hub.Clock.Advance(TimeSpan.FromSeconds(90.5));

        Assert.Contains("name=\"password\"", await _browser.GetAsync("/"));
        using (var wrong = await _browser.PostAsync("/login", ("password", "not-the-key")))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        await _browser.SignInAsync(HubFixture.AdminKey);
        var page = _browser.Page;

        Assert.Contains($"<h3 id=\"{healthy}\">", page);
        var healthyRow = Row(page, healthy);
        Assert.Contains("class=\"valid\">valid", healthyRow);
        Assert.Matches("data-expires=\"\\d+\"", healthyRow);
        Assert.Contains(">1h58m29s<", healthyRow); // 7200 s from the emulator, counted from the fetch, 90.5 s ago
        var blockedRow = Row(page, blocked);
        Assert.Contains("class=\"failing\">failing", blockedRow);
        Assert.Contains("errcode 40164", blockedRow);
        Assert.Matches("Fix: [^<]*whitelist", blockedRow);
        Assert.Contains("/cgi-bin/stable_token</td><td>1</td><td>500,000</td>", Section(page, healthy));

        // The chart counts this hour's attempts: the healthy app's success, the blocked app's 40164s (at start and on demand).
        var hour = Regex.Match(page, "<g class=\"hour\" data-hour=\"00\" data-succeeded=\"(\\d+)\" data-failed=\"(\\d+)\" data-upstream=\"(\\d+)\"");
        Assert.True(hour.Success, "the chart has a bar for this hour");
        Assert.Equal("1", hour.Groups[1].Value);
        Assert.NotEqual("0", hour.Groups[2].Value);
        Assert.Equal(hour.Groups[2].Value, hour.Groups[3].Value);
        Assert.Contains("src=\"/dashboard.js\"", page);
        Assert.DoesNotContain("http://", page.Replace("http://www.w3.org/2000/svg", ""));

        using (var forged = await _browser.PostWithoutTokenAsync("/keys", ("name", "forged"), ("apps", healthy)))
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        await _browser.GetAsync("/keys");
        using (var created = await _browser.PostAsync("/keys", ("name", "shop"), ("apps", healthy)))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = Regex.Match(_browser.Page, "id=\"created-key\">([^<]+)<").Groups[1].Value;
        Assert.StartsWith("wxk_", key);
        var after = await _browser.GetAsync("/keys");
        Assert.DoesNotContain(key, after);
        var id = Regex.Match(after, "<td>shop</td>.*?action=\"/keys/([^/\"]+)/revoke\"").Groups[1].Value;
        Assert.Equal(HttpStatusCode.OK, (await _hub.Client(key).GetAsync($"/v1/apps/{healthy}/access-token")).StatusCode);

        using (var revoked = await _browser.PostAsync($"/keys/{id}/revoke"))
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Contains("<td>shop</td><td>" + healthy + "</td><td>revoked</td>", _browser.Page);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _hub.Client(key).GetAsync($"/v1/apps/{healthy}/access-token")).StatusCode);

        using (var signedOut = await _browser.PostAsync("/logout"))
            Assert.Equal(HttpStatusCode.OK, signedOut.StatusCode);
        Assert.Contains("name=\"password\"", await _browser.GetAsync("/keys"));
    }

    [Fact]
    public async Task The_operator_password_signs_in_too_and_sign_in_needs_the_forms_csrf_token()
    {
        await _browser.GetAsync("/");
        using (var forged = await _browser.PostWithoutTokenAsync("/login", ("password", Password)))
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains("Admin key or operator password", _browser.Page);
        using (var wrong = await _browser.PostAsync("/login", ("password", Password + "!")))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("neither the admin key nor the operator password", _browser.Page);

        await _browser.SignInAsync(Password);
        Assert.Contains("<h1>Overview</h1>", _browser.Page);
    }

    [Fact]
    public async Task An_address_that_keeps_failing_to_sign_in_must_wait_even_with_the_right_password()
    {
        await _browser.GetAsync("/");
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var wrong = await _browser.PostAsync("/login", ("password", $"guess {attempt}"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using (var locked = await _browser.PostAsync("/login", ("password", Password)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
            Assert.Equal(TimeSpan.FromMinutes(15), locked.Headers.RetryAfter!.Delta);
        }
        Assert.Contains("Too many failed sign-ins", _browser.Page);
        Assert.Contains("name=\"password\"", await _browser.GetAsync("/"));

        _hub.Clock.Advance(TimeSpan.FromMinutes(15));
        await _browser.SignInAsync(Password);
        Assert.Contains("<h1>Overview</h1>", _browser.Page);
    }

    [Fact]
    public async Task A_malformed_operator_password_hash_stops_the_server_at_start_with_the_fix()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => HubFixture.StartAsync(new Dictionary<string, string?> { ["Dashboard:OperatorPasswordHash"] = "plaintext-password" }));
        Assert.Contains("wxhub dashboard hash-password", failure.Message);
    }

    [Fact]
    public async Task The_session_cookie_is_HttpOnly_and_SameSite_Strict()
    {
        using var raw = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = _hub.Server.Address };
        using var form = await raw.GetAsync("/");
        Assert.Contains("default-src 'self'", form.Headers.GetValues("Content-Security-Policy").Single());
        var csrfCookie = Assert.Single(form.Headers.GetValues("Set-Cookie")).ToLowerInvariant();
        Assert.Contains("httponly", csrfCookie);
        Assert.Contains("samesite=strict", csrfCookie);

        var token = DashboardBrowser.CsrfToken(await form.Content.ReadAsStringAsync());
        using var login = await raw.PostAsync("/login", new FormUrlEncodedContent([new("csrf", token), new("password", HubFixture.AdminKey)]));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie")).ToLowerInvariant();
        Assert.StartsWith("wxhub_session=", setCookie);
        Assert.Contains("httponly", setCookie);
        Assert.Contains("samesite=strict", setCookie);
        Assert.DoesNotContain(HubFixture.AdminKey.ToLowerInvariant(), setCookie);
    }

    /// <summary>The part of the overview about one app.</summary>
    private static string Section(string page, string appid)
    {
        var section = page[page.IndexOf($"<h3 id=\"{appid}\">", StringComparison.Ordinal)..];
        var end = section.IndexOf("<h3 ", 4, StringComparison.Ordinal);
        return end < 0 ? section : section[..end];
    }

    /// <summary>The access token row of an app's credential table.</summary>
    private static string Row(string page, string appid) => Regex.Match(Section(page, appid), "<tr><td>AccessToken</td>.*?</tr>").Value;
}
