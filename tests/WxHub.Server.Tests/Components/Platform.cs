using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using WxHub.Protocol.Crypto;
using WxHub.Server.Tests.Credentials;
using WxHub.Testing;

namespace WxHub.Server.Tests.Components;

/// <summary>
/// A third-party platform registered both in the emulator (WeChat's side, pushing to WxHub's event URL) and in WxHub,
/// on a <see cref="HubFixture"/>, with helpers that act as the merchant's administrator and as business code.
/// </summary>
public sealed class Platform
{
    public const string Appid = "wxcomponent0000001";
    public const string Secret = "componentsecret0123456789abcdef";
    public const string Token = "platformtoken42";

    private readonly EncodingAesKey _key = WxHub.Protocol.Crypto.EncodingAesKey.Generate();
    private readonly bool _rotateRefreshTokens;

    private Platform(HubFixture hub, bool rotateRefreshTokens)
    {
        Hub = hub;
        _rotateRefreshTokens = rotateRefreshTokens;
    }

    public HubFixture Hub { get; }

    public string AesKey => _key.Value;

    /// <summary>Registers the platform in WxHub and WeChat and waits until WxHub holds a component token (so the first ticket arrived).</summary>
    public static async Task<Platform> StartAsync(HubFixture hub, bool rotateRefreshTokens = false)
    {
        var platform = new Platform(hub, rotateRefreshTokens);
        await platform.RegisterInWxHubAsync();
        await platform.PointWeChatAtWxHubAsync();
        // The first ticket push is WeChat's answer to the registration: WxHub must have it before anyone asks for a token.
        await Eventually.True(async () => JsonNode.Parse(await hub.EmulatorClient.GetStringAsync($"/__emulator/pushes?target={Appid}&kind=component_verify_ticket"))!
            ["pushes"]!.AsArray().Any(p => p!["status"]!.GetValue<string>() == "acknowledged"), "WxHub acknowledged the first ticket push");
        await platform.ComponentTokenAsync();
        return platform;
    }

    public async Task RegisterInWxHubAsync() =>
        Assert.Equal(HttpStatusCode.Created, (await Hub.Admin.PostAsJsonAsync("/v1/admin/components",
            new { component_appid = Appid, secret = Secret, token = Token, encoding_aes_key = _key.Value })).StatusCode);

    /// <summary>
    /// Registers (again) the platform in the emulator with WxHub's current address as its event and message URLs.
    /// Tickets come on registration and when asked for; the interval is a day, so the tests decide when.
    /// </summary>
    public async Task PointWeChatAtWxHubAsync() =>
        (await Hub.EmulatorClient.PostAsJsonAsync("/__emulator/components", new
        {
            component_appid = Appid, secret = Secret, token = Token, encoding_aes_key = _key.Value,
            event_url = new Uri(Hub.Server.Address, $"/wechat/component/{Appid}/events").ToString(),
            message_url = new Uri(Hub.Server.Address, $"/wechat/component/{Appid}/callback/$APPID$").ToString(),
            ticket_interval_seconds = 86_400,
            rotate_refresh_tokens = _rotateRefreshTokens,
        })).EnsureSuccessStatusCode();

    /// <summary>An Official Account in WeChat (not registered in WxHub: it reaches WxHub only by authorizing the platform).</summary>
    public async Task RegisterAccountAsync(string appid, string name) =>
        (await Hub.EmulatorClient.PostAsJsonAsync("/__emulator/apps", new { appid, secret = "account-secret-0123456789", type = "official_account", name }))
            .EnsureSuccessStatusCode();

    /// <summary>An Official Account in WeChat that authorizes the platform there (pushed to WxHub as authorized).</summary>
    public async Task AddAuthorizerAsync(string appid, string name)
    {
        await RegisterAccountAsync(appid, name);
        await AuthorizeByControlAsync(appid);
    }

    /// <summary>The platform's component token from WxHub's business API, once WxHub has one.</summary>
    public async Task<string> ComponentTokenAsync()
    {
        using var client = await Hub.KeyClientAsync("component:" + Appid);
        JsonNode? token = null;
        await Eventually.True(async () =>
        {
            using var response = await client.GetAsync($"/v1/components/{Appid}/access-token");
            if (response.StatusCode != HttpStatusCode.OK) return false;
            token = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            return true;
        }, "WxHub holds a component access token");
        return token!.Str("component_access_token");
    }

    /// <summary>The browser inside WeChat on an iPhone.</summary>
    public const string PhoneUserAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN";

    /// <summary>A desktop browser.</summary>
    public const string DesktopUserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

    /// <summary>
    /// The administrator's browser: WxHub's authorize link, WeChat's page approved for <paramref name="appid"/>, back to
    /// WxHub, which answers with the redirect to the business page. Returns that redirect's query. On a phone WxHub
    /// must send the browser to the page that opens inside WeChat, on a desktop to the QR-code page.
    /// </summary>
    public async Task<Dictionary<string, string>> AuthorizeThroughThePagesAsync(string appid, bool phone = false)
    {
        using var browser = Browser(phone ? PhoneUserAgent : DesktopUserAgent);
        return await ReturnToWxHubAsync(browser, await ApproveOnThePageAsync(browser, appid, phone));
    }

    /// <summary>
    /// WxHub's authorize link and WeChat's page approved for <paramref name="appid"/> (which also pushes <c>authorized</c>);
    /// returns where WeChat sends the browser back to WxHub, with the authorization code.
    /// </summary>
    public async Task<Uri> ApproveOnThePageAsync(HttpClient browser, string appid, bool phone = false)
    {
        var page = await AuthorizationPageAsync(browser, $"redirect={Uri.EscapeDataString(BusinessPage)}&auth_type=1");
        Assert.Equal(phone ? "/wxaopen/safe/bindcomponent" : "/cgi-bin/componentloginpage", page.AbsolutePath);
        Assert.Equal("1", QueryHelpers.ParseQuery(page.Query)["auth_type"].ToString());

        var approve = new Uri(page.GetLeftPart(UriPartial.Query) + $"&emulator_approve=1&emulator_user=admin&emulator_appid={appid}");
        using var approved = await browser.GetAsync(approve);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var back = approved.Headers.Location!;
        Assert.StartsWith(new Uri(Hub.Server.Address, $"/wechat/component/{Appid}/authorized").ToString(), back.ToString());
        return back;
    }

    /// <summary>The browser back at WxHub from WeChat's page; returns the query of WxHub's redirect to the business page.</summary>
    public static async Task<Dictionary<string, string>> ReturnToWxHubAsync(HttpClient browser, Uri back)
    {
        using var done = await browser.GetAsync(back);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var result = done.Headers.Location!;
        Assert.StartsWith(BusinessPage, result.ToString());
        return QueryHelpers.ParseQuery(result.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    private const string BusinessPage = "https://shop.example.com/platform/done?x=1";

    /// <summary>A browser that shows each redirect, with <paramref name="userAgent"/>.</summary>
    public static HttpClient Browser(string userAgent)
    {
        var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        browser.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);
        return browser;
    }

    /// <summary>Opens WxHub's authorize link with <paramref name="query"/>; returns the WeChat page WxHub redirects to.</summary>
    public async Task<Uri> AuthorizationPageAsync(HttpClient browser, string query)
    {
        using var start = await browser.GetAsync(new Uri(Hub.Server.Address, $"/wechat/component/{Appid}/authorize?{query}"));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        return start.Headers.Location!;
    }

    /// <summary>An authorization made in WeChat without a browser (the emulator's control API), pushed to WxHub as authorized or updateauthorized.</summary>
    /// <summary>Authorizes (or re-authorizes) the platform, granting <paramref name="funcScopes"/> or, when null, every function set.</summary>
    public async Task AuthorizeByControlAsync(string appid, int[]? funcScopes = null) =>
        await ControlAsync("authorize", new { appid, func_scopes = funcScopes });

    public async Task UnauthorizeByControlAsync(string appid) => await ControlAsync("unauthorize", new { appid });

    /// <summary>WeChat takes the token (checked on an API that needs a valid access token).</summary>
    public async Task<bool> WeChatTakesAsync(string accessToken)
    {
        var check = JsonNode.Parse(await Hub.EmulatorClient.GetStringAsync($"/cgi-bin/getcallbackip?access_token={Uri.EscapeDataString(accessToken)}"))!;
        return check["errcode"] is null || check["errcode"]!.GetValue<int>() == 0;
    }

    public async Task<JsonNode> AuthorizerAsync(string appid)
    {
        using var client = await Hub.KeyClientAsync("component:" + Appid);
        return await client.GetAsync($"/v1/components/{Appid}/authorizers/{appid}").OkAsync();
    }

    private async Task ControlAsync(string action, object request)
    {
        var response = await Hub.EmulatorClient.PostAsJsonAsync($"/__emulator/components/{Appid}/{action}", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        // The control call answers once the push was delivered; WxHub answered it "success".
        Assert.Equal("acknowledged", JsonNode.Parse(body)!["push"]!["status"]!.GetValue<string>());
    }
}
