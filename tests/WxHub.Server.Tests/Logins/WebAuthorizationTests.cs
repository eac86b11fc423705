using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WxHub.Server.Tests.Credentials;

namespace WxHub.Server.Tests.Logins;

public sealed class WebAuthorizationTests : IAsyncLifetime
{
    private LoginWorld _world = null!;

    public async Task InitializeAsync() => _world = await LoginWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Snsapi_base_sends_the_person_through_wechat_and_back_with_a_one_time_wxhub_code()
    {
        var oa = await _world.AppAsync("official_account");
        var (alice, openids, _) = await _world.UserAsync("alice", oa);
        using var key = await _world.Hub.KeyClientAsync(oa);

        using var toWeChat = await _world.AuthorizeAsync(oa, $"redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}&scope=snsapi_base&state=cart7");
        var wechat = LoginWorld.RedirectOf(toWeChat);
        Assert.Equal(_world.Hub.Emulator.BaseUrl.Authority, wechat.Authority);
        Assert.Equal("/connect/oauth2/authorize", wechat.AbsolutePath);
        Assert.Equal("#wechat_redirect", wechat.Fragment);
        Assert.Equal(new Uri(_world.Hub.Server.Address, $"/oauth/{oa}/callback").AbsoluteUri, LoginWorld.Query(wechat, "redirect_uri"));
        Assert.NotEqual("cart7", LoginWorld.Query(wechat, "state"));

        var callback = await _world.ApproveAsync(wechat, alice);
        using var back = await _world.FollowAsync(callback);
        var landing = LoginWorld.RedirectOf(back);
        Assert.Equal(LoginWorld.Business, landing.GetLeftPart(UriPartial.Path));
        Assert.Equal("cart7", LoginWorld.Query(landing, "state"));
        var code = LoginWorld.Query(landing, "wxhub_code")!;

        var signIn = await key.PostAsJsonAsync("/v1/oauth/exchange", new { code }).OkAsync();
        Assert.Equal((oa, openids[oa]!.GetValue<string>(), "snsapi_base"), (signIn.Str("appid"), signIn.Str("openid"), signIn.Str("scope")));
        Assert.Null(signIn["unionid"]);
        Assert.Null(signIn["user"]);
        Assert.True(signIn.AsObject().ContainsKey("user"));

        var again = await key.PostAsJsonAsync("/v1/oauth/exchange", new { code }).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_code", again.Str("error"));
    }

    [Fact]
    public async Task Snsapi_userinfo_brings_the_profile_and_the_unionid_and_keeps_a_refresh_token_for_later()
    {
        var oa = await _world.AppAsync("official_account");
        var (bob, openids, unionids) = await _world.UserAsync("bob", oa);
        using var key = await _world.Hub.KeyClientAsync(oa);

        var landing = await _world.SignInAsync(oa, bob, "snsapi_userinfo");
        var signIn = await key.PostAsJsonAsync("/v1/oauth/exchange", new { code = LoginWorld.Query(landing, "wxhub_code") }).OkAsync();
        Assert.Equal(unionids[LoginWorld.OpenAccount]!.GetValue<string>(), signIn.Str("unionid"));
        Assert.Equal("bob", signIn["user"]!.Str("nickname"));
        Assert.Equal(openids[oa]!.GetValue<string>(), signIn["user"]!.Str("openid"));

        // Past the OAuth access token's two hours, a fresh profile takes the stored refresh token, once.
        _world.Hub.Clock.Advance(TimeSpan.FromHours(3));
        var fresh = await key.PostAsJsonAsync($"/v1/apps/{oa}/oauth/userinfo", new { openid = signIn.Str("openid") }).OkAsync();
        Assert.Equal("bob", fresh["user"]!.Str("nickname"));
        Assert.Equal(1, await _world.Hub.UpstreamCallsAsync("/sns/oauth2/refresh_token", oa));
        await key.PostAsJsonAsync($"/v1/apps/{oa}/oauth/userinfo", new { openid = signIn.Str("openid") }).OkAsync();
        Assert.Equal(1, await _world.Hub.UpstreamCallsAsync("/sns/oauth2/refresh_token", oa));

        _world.Hub.Clock.Advance(TimeSpan.FromDays(31));
        var expired = await key.PostAsJsonAsync($"/v1/apps/{oa}/oauth/userinfo", new { openid = signIn.Str("openid") }).ErrorAsync(HttpStatusCode.Conflict);
        Assert.Equal("grant_expired", expired.Str("error"));
    }

    [Fact]
    public async Task A_website_signs_in_by_qr_code_through_the_same_flow()
    {
        var site = await _world.AppAsync("website");
        var (carol, openids, unionids) = await _world.UserAsync("carol", site);
        using var key = await _world.Hub.KeyClientAsync(site);

        using var toWeChat = await _world.AuthorizeAsync(site, $"redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}&state=s1");
        var wechat = LoginWorld.RedirectOf(toWeChat);
        Assert.Equal("/connect/qrconnect", wechat.AbsolutePath);
        Assert.Equal("snsapi_login", LoginWorld.Query(wechat, "scope"));

        using var back = await _world.FollowAsync(await _world.ApproveAsync(wechat, carol));
        var signIn = await key.PostAsJsonAsync("/v1/oauth/exchange", new { code = LoginWorld.Query(LoginWorld.RedirectOf(back), "wxhub_code") }).OkAsync();
        Assert.Equal((openids[site]!.GetValue<string>(), "snsapi_login"), (signIn.Str("openid"), signIn.Str("scope")));
        Assert.Equal(unionids[LoginWorld.OpenAccount]!.GetValue<string>(), signIn.Str("unionid"));
        Assert.Equal("carol", signIn["user"]!.Str("nickname"));
    }

    [Fact]
    public async Task A_refusal_on_wechats_page_returns_the_person_to_the_business_with_access_denied()
    {
        var oa = await _world.AppAsync("official_account");
        using var toWeChat = await _world.AuthorizeAsync(oa, $"redirect_uri={Uri.EscapeDataString(LoginWorld.Business + "?keep=1")}&scope=snsapi_userinfo&state=x9");
        using var back = await _world.FollowAsync(await _world.ApproveAsync(LoginWorld.RedirectOf(toWeChat), "dave", approve: false));
        var landing = LoginWorld.RedirectOf(back);
        Assert.Equal(("1", "access_denied", "x9", null), (LoginWorld.Query(landing, "keep"), LoginWorld.Query(landing, "error"), LoginWorld.Query(landing, "state"), LoginWorld.Query(landing, "wxhub_code")));
    }

    [Fact]
    public async Task A_forged_a_replayed_and_an_expired_state_are_refused()
    {
        var oa = await _world.AppAsync("official_account");
        await _world.UserAsync("erin", oa);

        using var toWeChat = await _world.AuthorizeAsync(oa, $"redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}&scope=snsapi_base");
        var callback = await _world.ApproveAsync(LoginWorld.RedirectOf(toWeChat), "erin");
        var state = LoginWorld.Query(callback, "state")!;
        var code = LoginWorld.Query(callback, "code")!;
        var forgedState = state[..^1] + (state[^1] == '0' ? '1' : '0');

        var forged = await _world.FollowAsync(Callback(oa, code, forgedState)).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_state", forged.Str("error"));
        var otherApp = await _world.FollowAsync(Callback(await _world.AppAsync("official_account"), code, state)).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_state", otherApp.Str("error"));
        var made = await _world.FollowAsync(Callback(oa, code, "hello")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_state", made.Str("error"));

        using (var first = await _world.FollowAsync(callback)) LoginWorld.RedirectOf(first);
        var replayed = await _world.FollowAsync(callback).ErrorAsync(HttpStatusCode.Conflict);
        Assert.Equal("state_used", replayed.Str("error"));

        using var late = await _world.AuthorizeAsync(oa, $"redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}&scope=snsapi_base");
        var lateCallback = await _world.ApproveAsync(LoginWorld.RedirectOf(late), "erin");
        _world.Hub.Clock.Advance(TimeSpan.FromMinutes(10));
        var expired = await _world.FollowAsync(lateCallback).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("state_expired", expired.Str("error"));
    }

    [Fact]
    public async Task A_wechat_code_works_once_whether_wxhub_or_wechat_saw_it_first()
    {
        var oa = await _world.AppAsync("official_account");
        await _world.UserAsync("frank", oa);
        using var key = await _world.Hub.KeyClientAsync(oa);

        // A business that runs the redirect itself hands WxHub WeChat's code.
        var code = await WeChatCodeAsync(oa, "frank");
        var signIn = await key.PostAsJsonAsync($"/v1/apps/{oa}/oauth/code", new { code }).OkAsync();
        Assert.Equal("snsapi_userinfo", signIn.Str("scope"));
        var calls = await _world.Hub.UpstreamCallsAsync("/sns/oauth2/access_token", oa);
        var ours = await key.PostAsJsonAsync($"/v1/apps/{oa}/oauth/code", new { code }).ErrorAsync(HttpStatusCode.Conflict);
        Assert.Equal("code_replayed", ours.Str("error"));
        Assert.Equal(calls, await _world.Hub.UpstreamCallsAsync("/sns/oauth2/access_token", oa));

        // A code something else already exchanged: WxHub has no record of it, WeChat says 40163.
        var used = await WeChatCodeAsync(oa, "frank");
        (await _world.Hub.EmulatorClient.GetAsync($"/sns/oauth2/access_token?appid={oa}&secret={_world.Secret(oa)}&code={used}&grant_type=authorization_code")).EnsureSuccessStatusCode();
        var wechats = await key.PostAsJsonAsync($"/v1/apps/{oa}/oauth/code", new { code = used }).ErrorAsync(HttpStatusCode.Conflict);
        Assert.Equal(("code_replayed", 40163), (wechats.Str("error"), wechats["errcode"]!.GetValue<int>()));

        var unknown = await key.PostAsJsonAsync($"/v1/apps/{oa}/oauth/code", new { code = "not-a-code" }).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal(("invalid_code", 40029), (unknown.Str("error"), unknown["errcode"]!.GetValue<int>()));
    }

    [Fact]
    public async Task The_wxhub_code_expires_and_is_only_for_keys_that_may_see_the_app()
    {
        var oa = await _world.AppAsync("official_account");
        var other = await _world.AppAsync("official_account");
        await _world.UserAsync("gina", oa);
        using var key = await _world.Hub.KeyClientAsync(oa);
        using var otherKey = await _world.Hub.KeyClientAsync(other);

        var code = LoginWorld.Query(await _world.SignInAsync(oa, "gina", "snsapi_base"), "wxhub_code");
        var refused = await otherKey.PostAsJsonAsync("/v1/oauth/exchange", new { code }).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_code", refused.Str("error"));
        await key.PostAsJsonAsync("/v1/oauth/exchange", new { code }).OkAsync();

        var late = LoginWorld.Query(await _world.SignInAsync(oa, "gina", "snsapi_base"), "wxhub_code");
        _world.Hub.Clock.Advance(TimeSpan.FromMinutes(2));
        await key.PostAsJsonAsync("/v1/oauth/exchange", new { code = late }).ErrorAsync(HttpStatusCode.BadRequest);

        using var anonymous = new HttpClient { BaseAddress = _world.Hub.Server.Address };
        await anonymous.PostAsJsonAsync("/v1/oauth/exchange", new { code = late }).ErrorAsync(HttpStatusCode.Unauthorized);
        var empty = await key.PostAsync("/v1/oauth/exchange", new StringContent("{", System.Text.Encoding.UTF8, "application/json")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_json", empty.Str("error"));
    }

    [Fact]
    public async Task Redirect_uris_must_be_absolute_http_urls_and_within_the_apps_allow_list_when_it_has_one()
    {
        var oa = await _world.AppAsync("official_account");
        foreach (var bad in new[] { "", "/relative", "ftp://shop.example.com/x", "https://shop.example.com/x#frag" })
        {
            var error = await _world.AuthorizeAsync(oa, $"redirect_uri={Uri.EscapeDataString(bad)}").ErrorAsync(HttpStatusCode.BadRequest);
            Assert.Equal("invalid_redirect_uri", error.Str("error"));
        }
        var scope = await _world.AuthorizeAsync(oa, $"redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}&scope=snsapi_login").ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_scope", scope.Str("error"));
        var unknown = await _world.AuthorizeAsync("wx-nobody", $"redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}").ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("app_not_found", unknown.Str("error"));

        var allowed = await _world.Hub.Admin.PutAsJsonAsync($"/v1/admin/apps/{oa}/oauth/redirect-uris", new { redirect_uris = new[] { "https://shop.example.com/wechat" } }).OkAsync();
        Assert.Equal("https://shop.example.com/wechat", allowed["redirect_uris"]![0]!.GetValue<string>());
        foreach (var outside in new[] { "https://shop.example.com/wechatx", "https://shop.example.com.evil.test/wechat/back", "http://shop.example.com/wechat/back" })
        {
            var error = await _world.AuthorizeAsync(oa, $"redirect_uri={Uri.EscapeDataString(outside)}").ErrorAsync(HttpStatusCode.BadRequest);
            Assert.Equal("redirect_uri_not_allowed", error.Str("error"));
        }
        using var inside = await _world.AuthorizeAsync(oa, $"redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}");
        Assert.Equal(HttpStatusCode.Redirect, inside.StatusCode);

        var invalid = await _world.Hub.Admin.PutAsJsonAsync($"/v1/admin/apps/{oa}/oauth/redirect-uris", new { redirect_uris = new[] { "shop" } }).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_redirect_uri", invalid.Str("error"));
    }

    private Uri Callback(string appid, string code, string state) =>
        new(_world.Hub.Server.Address, $"/oauth/{appid}/callback?code={code}&state={state}");

    /// <summary>Has WeChat's approve page issue a code to the business's own redirect, as a business running the flow itself would.</summary>
    private async Task<string> WeChatCodeAsync(string appid, string user)
    {
        var page = new Uri(_world.Hub.Emulator.BaseUrl,
            $"/connect/oauth2/authorize?appid={appid}&redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}&response_type=code&scope=snsapi_userinfo&state=own");
        return LoginWorld.Query(await _world.ApproveAsync(page, user), "code")!;
    }
}
