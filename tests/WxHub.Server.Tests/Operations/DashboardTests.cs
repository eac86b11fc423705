using System.Net;
using System.Text.RegularExpressions;
using WxHub.Server.Tests.Credentials;

namespace WxHub.Server.Tests.Operations;

/// <summary>The dashboard over real HTTP with a cookie-keeping client, as a browser without JavaScript would use it.</summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private HubFixture _hub = null!;
    private HttpClient _browser = null!;

    public async Task InitializeAsync()
    {
        _hub = await HubFixture.StartAsync();
        _browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true }) { BaseAddress = _hub.Server.Address };
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _hub.DisposeAsync();
    }

    [Fact]
    public async Task An_operator_signs_in_sees_states_countdowns_and_the_whitelist_fix_and_creates_and_revokes_a_key()
    {
        var healthy = await _hub.RegisterAppAsync();
        var blocked = await _hub.RegisterAppAsync(ipWhitelist: ["203.0.113.9"]);
        using (var client = await _hub.KeyClientAsync(healthy, blocked))
        {
            await client.AccessTokenAsync(healthy);
            await client.GetAsync($"/v1/apps/{blocked}/access-token").ErrorAsync(HttpStatusCode.ServiceUnavailable);
        }
        _hub.Clock.Advance(TimeSpan.FromSeconds(90.5));

        Assert.Contains("name=\"admin_key\"", await _browser.GetStringAsync("/"));
        var wrong = await _browser.PostAsync("/login", Form(("admin_key", "not-the-key")));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        var login = await _browser.PostAsync("/login", Form(("admin_key", HubFixture.AdminKey)));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var page = await login.Content.ReadAsStringAsync();

        Assert.Contains($"<h3 id=\"{healthy}\">", page);
        var healthyRow = Row(page, healthy);
        Assert.Contains("class=\"valid\">valid", healthyRow);
        Assert.Matches("data-expires=\"\\d+\"", healthyRow);
        Assert.Contains(">1h58m29s<", healthyRow); // 7200 s from the emulator, counted from the fetch, 90.5 s ago
        var blockedRow = Row(page, blocked);
        Assert.Contains("class=\"failing\">failing", blockedRow);
        Assert.Contains("errcode 40164", blockedRow);
        Assert.Contains("whitelist", blockedRow, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("src=\"/dashboard.js\"", page);
        Assert.DoesNotContain("http://", page.Replace(_hub.Server.Address.ToString().TrimEnd('/'), ""));

        var csrf = Regex.Match(page, "name=\"csrf\" value=\"([^\"]+)\"").Groups[1].Value;
        var forged = await _browser.PostAsync("/keys", Form(("name", "forged"), ("apps", healthy)));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        var created = await _browser.PostAsync("/keys", Form(("csrf", csrf), ("name", "shop"), ("apps", healthy)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = Regex.Match(await created.Content.ReadAsStringAsync(), "id=\"created-key\">([^<]+)<").Groups[1].Value;
        Assert.StartsWith("wxk_", key);
        var after = await _browser.GetStringAsync("/");
        Assert.DoesNotContain(key, after);
        var id = Regex.Match(after, "<td>shop</td>.*?action=\"/keys/([^/\"]+)/revoke\"").Groups[1].Value;
        Assert.Equal(HttpStatusCode.OK, (await _hub.Client(key).GetAsync($"/v1/apps/{healthy}/access-token")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _browser.PostAsync($"/keys/{id}/revoke", Form(("csrf", csrf)))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _hub.Client(key).GetAsync($"/v1/apps/{healthy}/access-token")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _browser.PostAsync("/logout", Form(("csrf", csrf)))).StatusCode);
        Assert.Contains("name=\"admin_key\"", await _browser.GetStringAsync("/"));
    }

    [Fact]
    public async Task The_session_cookie_is_HttpOnly_and_SameSite_Strict()
    {
        using var raw = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _hub.Server.Address };
        var login = await raw.PostAsync("/login", Form(("admin_key", HubFixture.AdminKey)));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie")).ToLowerInvariant();
        Assert.StartsWith("wxhub_session=", setCookie);
        Assert.Contains("httponly", setCookie);
        Assert.Contains("samesite=strict", setCookie);
        Assert.DoesNotContain(HubFixture.AdminKey.ToLowerInvariant(), setCookie);
    }

    /// <summary>The access token row of an app's credential table.</summary>
    private static string Row(string page, string appid)
    {
        var section = page[page.IndexOf($"<h3 id=\"{appid}\">", StringComparison.Ordinal)..];
        return Regex.Match(section, "<tr><td>AccessToken</td>.*?</tr>").Value;
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
}
