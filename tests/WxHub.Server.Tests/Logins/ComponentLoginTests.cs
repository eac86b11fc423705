using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WxHub.Server.Tests.Components;
using WxHub.Server.Tests.Credentials;

namespace WxHub.Server.Tests.Logins;

/// <summary>
/// Logins on behalf of an account that authorized a third-party platform WxHub runs: the platform is registered in
/// WxHub and WeChat, gets its tickets and component token from WeChat's pushes, and the account authorizes it in WeChat.
/// </summary>
public sealed class ComponentLoginTests : IAsyncLifetime
{
    private LoginWorld _world = null!;
    private Platform _platform = null!;

    public async Task InitializeAsync()
    {
        _world = await LoginWorld.StartAsync();
        _platform = await Platform.StartAsync(_world.Hub);
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task An_authorizer_signs_people_in_through_the_platform_without_its_own_secret()
    {
        // The account is WeChat's, and its administrator authorizes the platform on WeChat's page; WxHub holds no secret of it.
        var oa = await _world.AppAsync("official_account", registerInWxHub: false);
        var authorized = await _platform.AuthorizeThroughThePagesAsync(oa);
        Assert.True(authorized.GetValueOrDefault("status") == "authorized", string.Join("&", authorized.Select(p => $"{p.Key}={p.Value}")));
        var (olga, openids, unionids) = await _world.UserAsync("olga", oa);
        using var key = await _world.Hub.KeyClientAsync("component:" + Platform.Appid);

        using var toWeChat = await _world.AuthorizeAsync(oa, $"redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}&scope=snsapi_userinfo&state=p1&component_appid={Platform.Appid}");
        var wechat = LoginWorld.RedirectOf(toWeChat);
        Assert.Equal(Platform.Appid, LoginWorld.Query(wechat, "component_appid"));
        using var back = await _world.FollowAsync(await _world.ApproveAsync(wechat, olga));
        var landing = LoginWorld.RedirectOf(back);
        Assert.Null(LoginWorld.Query(landing, "error"));

        // A key naming the platform redeems its authorizers' sign-ins and sees them in the directory.
        var signIn = await key.PostAsJsonAsync("/v1/oauth/exchange", new { code = LoginWorld.Query(landing, "wxhub_code") }).OkAsync();
        var unionid = unionids[LoginWorld.OpenAccount]!.GetValue<string>();
        Assert.Equal((openids[oa]!.GetValue<string>(), unionid), (signIn.Str("openid"), signIn.Str("unionid")));
        Assert.Equal("olga", signIn["user"]!.Str("nickname"));
        var directory = await key.GetAsync($"/v1/users/by-unionid/{unionid}").OkAsync();
        Assert.Contains(directory["identities"]!.AsArray(), pair => pair!.Str("appid") == oa);
        // The component token is the one WxHub keeps for the platform; the emulator counts a platform's calls under the platform.
        Assert.Equal(1, await _world.Hub.UpstreamCallsAsync("/sns/oauth2/component/access_token", Platform.Appid));
        Assert.Equal(0, await _world.Hub.UpstreamCallsAsync("/sns/oauth2/access_token", oa));

        // The refresh goes through the platform too.
        _world.Hub.Clock.Advance(TimeSpan.FromHours(3));
        await key.PostAsJsonAsync($"/v1/apps/{oa}/oauth/userinfo", new { openid = signIn.Str("openid") }).OkAsync();
        Assert.Equal(1, await _world.Hub.UpstreamCallsAsync("/sns/oauth2/component/refresh_token", Platform.Appid));
    }

    [Fact]
    public async Task Without_component_appid_the_platform_an_account_authorized_acts_for_it_until_it_revokes()
    {
        var oa = await _world.AppAsync("official_account", registerInWxHub: false);
        await _platform.AuthorizeByControlAsync(oa);
        var (pia, openids, _) = await _world.UserAsync("pia", oa);
        using var key = await _world.Hub.KeyClientAsync(oa);

        // Business code signs people in as for an app of its own: WxHub knows which platform acts for the account.
        using var toWeChat = await _world.AuthorizeAsync(oa, $"redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}&scope=snsapi_base&state=p2");
        var wechat = LoginWorld.RedirectOf(toWeChat);
        Assert.Equal(Platform.Appid, LoginWorld.Query(wechat, "component_appid"));
        using var back = await _world.FollowAsync(await _world.ApproveAsync(wechat, pia));
        var signIn = await key.PostAsJsonAsync("/v1/oauth/exchange", new { code = LoginWorld.Query(LoginWorld.RedirectOf(back), "wxhub_code") }).OkAsync();
        Assert.Equal(openids[oa]!.GetValue<string>(), signIn.Str("openid"));
        Assert.Null(signIn["user"]);

        await _platform.UnauthorizeByControlAsync(oa);
        using var refused = await _world.AuthorizeAsync(oa, $"redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}&scope=snsapi_base");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("app_not_found", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!.Str("error"));
    }

    [Fact]
    public async Task A_business_running_the_redirect_itself_and_a_mini_program_use_the_platform_the_same_way()
    {
        var oa = await _world.AppAsync("official_account", registerInWxHub: false);
        var mini = await _world.AppAsync("mini_program", registerInWxHub: false);
        foreach (var appid in new[] { oa, mini }) await _platform.AuthorizeByControlAsync(appid);
        var (pia, openids, _) = await _world.UserAsync("pia", oa, mini);
        using var key = await _world.Hub.KeyClientAsync(oa, mini);

        var page = new Uri(_world.Hub.Emulator.BaseUrl,
            $"/connect/oauth2/authorize?appid={oa}&redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}&response_type=code&scope=snsapi_base&state=own&component_appid={Platform.Appid}");
        var code = LoginWorld.Query(await _world.ApproveAsync(page, pia), "code");
        var signIn = await key.PostAsJsonAsync($"/v1/apps/{oa}/oauth/code", new { code, component_appid = Platform.Appid }).OkAsync();
        Assert.Equal(openids[oa]!.GetValue<string>(), signIn.Str("openid"));

        var jsCode = JsonNode.Parse(await (await _world.Hub.EmulatorClient.PostAsJsonAsync($"/__emulator/apps/{mini}/jscode", new { user = pia })).Content.ReadAsStringAsync())!.Str("js_code");
        var session = await key.PostAsJsonAsync($"/v1/apps/{mini}/miniprogram/session", new { js_code = jsCode }).OkAsync();
        Assert.Equal(openids[mini]!.GetValue<string>(), session.Str("openid"));
        Assert.Equal(1, await _world.Hub.UpstreamCallsAsync("/sns/component/jscode2session", Platform.Appid));

        var unknown = await key.PostAsJsonAsync($"/v1/apps/{oa}/oauth/code", new { code = "x", component_appid = "wxnoplatform" }).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("component_not_found", unknown.Str("error"));
    }
}
