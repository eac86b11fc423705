using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Core;
using WxHub.Core.OAuth;
using WxHub.Server.Tests.Credentials;

namespace WxHub.Server.Tests.Logins;

/// <summary>
/// Logins on behalf of an account that authorized a third-party platform. The platform itself (ticket, component
/// token) is another feature; here a stand-in asks the emulator for the component token as the platform would.
/// </summary>
public sealed class ComponentLoginTests : IAsyncLifetime
{
    private const string Component = "wxcomponentlogin01";
    private const string ComponentSecret = "fedcba9876543210fedcba9876543210";
    private LoginWorld _world = null!;

    public async Task InitializeAsync()
    {
        _world = await LoginWorld.StartAsync(services: services =>
            services.AddSingleton<IComponentAccessTokenProvider>(sp => new EmulatedPlatform(_world.Hub.EmulatorClient)));
        (await _world.Hub.EmulatorClient.PostAsJsonAsync("/__emulator/components", new
        {
            component_appid = Component, secret = ComponentSecret, token = "platformtoken",
            encoding_aes_key = Protocol.Crypto.EncodingAesKey.Generate().Value, event_url = "http://127.0.0.1:9/events",
        })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task An_authorizer_signs_people_in_through_the_platform_without_its_own_secret()
    {
        // The account is WeChat's, authorized to the platform; WxHub holds no secret of it.
        var oa = await _world.AppAsync("official_account", registerInWxHub: false);
        (await _world.Hub.EmulatorClient.PostAsJsonAsync($"/__emulator/components/{Component}/authorize", new { appid = oa })).EnsureSuccessStatusCode();
        var (olga, openids, unionids) = await _world.UserAsync("olga", oa);
        using var key = await _world.Hub.KeyClientAsync(oa);

        using var toWeChat = await _world.AuthorizeAsync(oa, $"redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}&scope=snsapi_userinfo&state=p1&component_appid={Component}");
        var wechat = LoginWorld.RedirectOf(toWeChat);
        Assert.Equal(Component, LoginWorld.Query(wechat, "component_appid"));
        using var back = await _world.FollowAsync(await _world.ApproveAsync(wechat, olga));
        var landing = LoginWorld.RedirectOf(back);
        Assert.Null(LoginWorld.Query(landing, "error"));

        var signIn = await key.PostAsJsonAsync("/v1/oauth/exchange", new { code = LoginWorld.Query(landing, "wxhub_code") }).OkAsync();
        Assert.Equal((openids[oa]!.GetValue<string>(), unionids[LoginWorld.OpenAccount]!.GetValue<string>()), (signIn.Str("openid"), signIn.Str("unionid")));
        Assert.Equal("olga", signIn["user"]!.Str("nickname"));
        // The emulator counts a platform's calls under the platform.
        Assert.Equal(1, await _world.Hub.UpstreamCallsAsync("/sns/oauth2/component/access_token", Component));
        Assert.Equal(0, await _world.Hub.UpstreamCallsAsync("/sns/oauth2/access_token", oa));

        // The refresh goes through the platform too.
        _world.Hub.Clock.Advance(TimeSpan.FromHours(3));
        await key.PostAsJsonAsync($"/v1/apps/{oa}/oauth/userinfo", new { openid = signIn.Str("openid") }).OkAsync();
        Assert.Equal(1, await _world.Hub.UpstreamCallsAsync("/sns/oauth2/component/refresh_token", Component));
    }

    [Fact]
    public async Task A_business_running_the_redirect_itself_and_a_mini_program_use_the_platform_the_same_way()
    {
        var oa = await _world.AppAsync("official_account", registerInWxHub: false);
        var mini = await _world.AppAsync("mini_program", registerInWxHub: false);
        foreach (var appid in new[] { oa, mini })
            (await _world.Hub.EmulatorClient.PostAsJsonAsync($"/__emulator/components/{Component}/authorize", new { appid })).EnsureSuccessStatusCode();
        var (pia, openids, _) = await _world.UserAsync("pia", oa, mini);
        using var key = await _world.Hub.KeyClientAsync(oa, mini);

        var page = new Uri(_world.Hub.Emulator.BaseUrl,
            $"/connect/oauth2/authorize?appid={oa}&redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}&response_type=code&scope=snsapi_base&state=own&component_appid={Component}");
        var code = LoginWorld.Query(await _world.ApproveAsync(page, pia), "code");
        var signIn = await key.PostAsJsonAsync($"/v1/apps/{oa}/oauth/code", new { code, component_appid = Component }).OkAsync();
        Assert.Equal(openids[oa]!.GetValue<string>(), signIn.Str("openid"));

        var jsCode = JsonNode.Parse(await (await _world.Hub.EmulatorClient.PostAsJsonAsync($"/__emulator/apps/{mini}/jscode", new { user = pia })).Content.ReadAsStringAsync())!.Str("js_code");
        var session = await key.PostAsJsonAsync($"/v1/apps/{mini}/miniprogram/session", new { js_code = jsCode, component_appid = Component }).OkAsync();
        Assert.Equal(openids[mini]!.GetValue<string>(), session.Str("openid"));
        Assert.Equal(1, await _world.Hub.UpstreamCallsAsync("/sns/component/jscode2session", Component));

        var unknown = await key.PostAsJsonAsync($"/v1/apps/{oa}/oauth/code", new { code = "x", component_appid = "wxnoplatform" }).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("component_not_found", unknown.Str("error"));
    }

    /// <summary>The platform's part: the component token from the latest ticket WeChat pushed.</summary>
    private sealed class EmulatedPlatform(HttpClient emulator) : IComponentAccessTokenProvider
    {
        public async Task<Outcome<string>> GetAsync(string componentAppid, CancellationToken cancellationToken = default)
        {
            using var state = await emulator.GetAsync($"/__emulator/components/{componentAppid}", cancellationToken);
            if (state.StatusCode == HttpStatusCode.NotFound)
                return new Problem(ProblemKind.NotFound, "component_not_found", $"No platform {componentAppid}.");
            var ticket = JsonNode.Parse(await state.Content.ReadAsStringAsync(cancellationToken))!.Str("latest_ticket");
            var token = await emulator.PostAsJsonAsync("/cgi-bin/component/api_component_token",
                new { component_appid = componentAppid, component_appsecret = ComponentSecret, component_verify_ticket = ticket }, cancellationToken).OkAsync();
            return token.Str("component_access_token");
        }
    }
}
