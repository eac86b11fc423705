using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using WxHub.Testing;
using static WxHub.Emulator.Tests.WeChatAssert;

namespace WxHub.Emulator.Tests;

public sealed class OAuthTests : IAsyncLifetime
{
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private const string Callback = "https://app.example/oauth/back?x=1";
    private EmulatorHarness _wx = null!;
    private HttpClient _browser = null!;

    public async Task InitializeAsync()
    {
        _wx = await EmulatorHarness.StartAsync();
        _browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _wx.Emulator.BaseUrl };
        await _wx.RegisterAppAsync(new { appid = "wxoa", secret = Secret, type = "official_account", open_account = "open1" });
        await _wx.RegisterAppAsync(new { appid = "wxweb", secret = Secret, type = "website", open_account = "open1" });
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _wx.DisposeAsync();
    }

    private static string AuthorizeUrl(string scope, string state = "s1", string appid = "wxoa", string page = "/connect/oauth2/authorize") =>
        $"{page}?appid={appid}&redirect_uri={Uri.EscapeDataString(Callback)}&response_type=code&scope={scope}&state={state}#wechat_redirect";

    /// <summary>Approves as the given user and returns the query the browser is sent back with.</summary>
    private async Task<Dictionary<string, string>> ApproveAsync(string url, string user = "alice", string decision = "1")
    {
        var approved = url.Replace("#wechat_redirect", $"&emulator_approve={decision}&emulator_user={user}");
        using var response = await _browser.GetAsync(approved);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith("https://app.example/oauth/back?x=1&", location.ToString());
        return QueryHelpers.ParseQuery(location.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    private Task<JsonElement> ExchangeAsync(string code, string appid = "wxoa") =>
        _wx.GetJsonAsync($"/sns/oauth2/access_token?appid={appid}&secret={Secret}&code={code}&grant_type=authorization_code");

    [Fact]
    public async Task The_authorize_page_is_a_form_for_a_person()
    {
        using var page = await _browser.GetAsync(AuthorizeUrl("snsapi_userinfo"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"get\" action=\"/connect/oauth2/authorize\">", html);
        Assert.Contains("name=\"emulator_approve\" value=\"1\"", html);
        Assert.Contains("name=\"emulator_user\"", html);
    }

    [Fact]
    public async Task Approval_gives_a_single_use_code_for_a_user_token_with_openid_and_unionid()
    {
        var back = await ApproveAsync(AuthorizeUrl("snsapi_userinfo"));
        Assert.Equal("s1", back["state"]);

        var token = await ExchangeAsync(back["code"]);
        Assert.False(token.TryGetProperty("errcode", out _));
        Assert.Equal("snsapi_userinfo", String(token, "scope"));
        Assert.Equal(7200, Int(token, "expires_in"));
        var alice = await _wx.ControlAsync(HttpMethod.Get, "/__emulator/users/alice");
        Assert.Equal(String(alice.GetProperty("openids"), "wxoa"), String(token, "openid"));
        Assert.Equal(String(alice.GetProperty("unionids"), "open1"), String(token, "unionid"));

        Error(40163, await ExchangeAsync(back["code"]));
        Error(40029, await ExchangeAsync("made-up"));

        var info = await _wx.GetJsonAsync($"/sns/userinfo?access_token={String(token, "access_token")}&openid={String(token, "openid")}&lang=zh_CN");
        Assert.Equal("alice", String(info, "nickname"));
        Assert.Equal(String(token, "unionid"), String(info, "unionid"));
        Ok(await _wx.GetJsonAsync($"/sns/auth?access_token={String(token, "access_token")}&openid={String(token, "openid")}"));
        Error(40003, await _wx.GetJsonAsync($"/sns/auth?access_token={String(token, "access_token")}&openid=someone-else"));
    }

    [Fact]
    public async Task A_code_expires_after_five_minutes()
    {
        var back = await ApproveAsync(AuthorizeUrl("snsapi_base"));
        _wx.Clock.Advance(TimeSpan.FromMinutes(5));
        Error(42003, await ExchangeAsync(back["code"]));
    }

    [Fact]
    public async Task Snsapi_base_gives_no_unionid_and_no_userinfo()
    {
        var token = await ExchangeAsync((await ApproveAsync(AuthorizeUrl("snsapi_base")))["code"]);
        Assert.False(token.TryGetProperty("unionid", out _));
        Error(48001, await _wx.GetJsonAsync($"/sns/userinfo?access_token={String(token, "access_token")}&openid={String(token, "openid")}"));
    }

    [Fact]
    public async Task Refresh_extends_a_live_token_and_replaces_an_expired_one()
    {
        var token = await ExchangeAsync((await ApproveAsync(AuthorizeUrl("snsapi_userinfo")))["code"]);
        var refresh = $"/sns/oauth2/refresh_token?appid=wxoa&grant_type=refresh_token&refresh_token={String(token, "refresh_token")}";

        _wx.Clock.Advance(TimeSpan.FromHours(1));
        var extended = await _wx.GetJsonAsync(refresh);
        Assert.Equal(String(token, "access_token"), String(extended, "access_token"));
        Assert.Equal(7200, Int(extended, "expires_in"));

        _wx.Clock.Advance(TimeSpan.FromHours(2));
        Error(42001, await _wx.GetJsonAsync($"/sns/auth?access_token={String(token, "access_token")}&openid={String(token, "openid")}"));
        var replaced = await _wx.GetJsonAsync(refresh);
        Assert.NotEqual(String(token, "access_token"), String(replaced, "access_token"));
        Ok(await _wx.GetJsonAsync($"/sns/auth?access_token={String(replaced, "access_token")}&openid={String(token, "openid")}"));

        Error(40030, await _wx.GetJsonAsync("/sns/oauth2/refresh_token?appid=wxoa&grant_type=refresh_token&refresh_token=nope"));
        _wx.Clock.Advance(TimeSpan.FromDays(30));
        Error(42002, await _wx.GetJsonAsync(refresh));
    }

    [Fact]
    public async Task Refusal_redirects_with_the_state_and_no_code()
    {
        var back = await ApproveAsync(AuthorizeUrl("snsapi_userinfo"), decision: "0");
        Assert.Equal("s1", back["state"]);
        Assert.False(back.ContainsKey("code"));
    }

    [Fact]
    public async Task Qr_login_is_for_website_apps_with_snsapi_login()
    {
        var back = await ApproveAsync(AuthorizeUrl("snsapi_login", appid: "wxweb", page: "/connect/qrconnect"));
        var token = await ExchangeAsync(back["code"], appid: "wxweb");
        Assert.Equal("snsapi_login", String(token, "scope"));
        Assert.Equal(28, String(token, "unionid").Length);
    }

    [Theory]
    [InlineData("/connect/oauth2/authorize?appid=wxnope&redirect_uri=https%3A%2F%2Fa.example%2F&response_type=code&scope=snsapi_base")]
    [InlineData("/connect/oauth2/authorize?appid=wxweb&redirect_uri=https%3A%2F%2Fa.example%2F&response_type=code&scope=snsapi_base")]
    [InlineData("/connect/oauth2/authorize?appid=wxoa&redirect_uri=not-a-url&response_type=code&scope=snsapi_base")]
    [InlineData("/connect/oauth2/authorize?appid=wxoa&redirect_uri=https%3A%2F%2Fa.example%2F&response_type=token&scope=snsapi_base")]
    [InlineData("/connect/oauth2/authorize?appid=wxoa&redirect_uri=https%3A%2F%2Fa.example%2F&response_type=code&scope=snsapi_login")]
    [InlineData("/connect/oauth2/authorize?appid=wxoa&redirect_uri=https%3A%2F%2Fa.example%2F&response_type=code&scope=snsapi_base&state=a-b")]
    [InlineData("/connect/qrconnect?appid=wxoa&redirect_uri=https%3A%2F%2Fa.example%2F&response_type=code&scope=snsapi_login")]
    public async Task A_bad_authorize_request_shows_an_error_page(string url)
    {
        using var response = await _browser.GetAsync(url + "&emulator_approve=1");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<h1>Error</h1>", await response.Content.ReadAsStringAsync());
    }
}
