using System.Net;
using System.Net.Http.Json;
using WxHub.Core.WeChat;
using WxHub.Server.Tests.Components;
using WxHub.Server.Tests.Credentials;
using WxHub.Testing;

namespace WxHub.Server.Tests.Proxy;

/// <summary>
/// The proxy for a third-party platform WxHub runs (registered in WxHub and WeChat, with an account that authorized it
/// through WeChat): the platform's own calls carry its component token, the account's calls its authorizer token.
/// </summary>
public sealed class ComponentProxyTests : IAsyncLifetime
{
    private const string Merchant = "wxproxymerchant001";
    private const string AuthorizerList = "/cgi-bin/component/api_get_authorizer_list";
    private HubFixture _hub = null!;
    private Platform _platform = null!;

    public async Task InitializeAsync()
    {
        _hub = await HubFixture.StartAsync();
        _platform = await Platform.StartAsync(_hub);
        await _platform.AddAuthorizerAsync(Merchant, "Proxy Merchant");
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_component_call_on_the_platform_carries_the_component_token_and_a_refused_one_is_replaced_and_retried()
    {
        using var client = await _hub.KeyClientAsync("component:" + Platform.Appid);
        var before = await _platform.ComponentTokenAsync();

        // Whatever credential the caller sends is replaced by the platform's component token.
        var list = await client.PostAsJsonAsync($"/wechat-api/{Platform.Appid}{AuthorizerList}?component_access_token=forged",
            new { component_appid = Platform.Appid, offset = 0, count = 100 }).OkAsync();
        var info = await client.PostAsJsonAsync($"/wechat-api/{Platform.Appid}/cgi-bin/component/api_get_authorizer_info",
            new { component_appid = Platform.Appid, authorizer_appid = Merchant }).OkAsync();
        Assert.Equal(1, list["total_count"]!.GetValue<int>());
        Assert.Equal(Merchant, list["list"]![0]!.Str("authorizer_appid"));
        Assert.Equal("Proxy Merchant", info["authorizer_info"]!.Str("nick_name"));

        // WeChat refuses the component token once: it is replaced (one api_component_token) and the call sent again.
        var fetches = await _hub.UpstreamCallsAsync(WeChatEndpoints.ComponentToken, Platform.Appid);
        await _hub.InjectFaultAsync(new { path = AuthorizerList, errcode = 40001, count = 1 });
        var healed = await client.PostAsJsonAsync($"/wechat-api/{Platform.Appid}{AuthorizerList}",
            new { component_appid = Platform.Appid, offset = 0, count = 100 }).OkAsync();
        Assert.Null(healed["errcode"]);
        Assert.Equal(1, healed["total_count"]!.GetValue<int>());
        Assert.Equal(fetches + 1, await _hub.UpstreamCallsAsync(WeChatEndpoints.ComponentToken, Platform.Appid));
        Assert.NotEqual(before, await _platform.ComponentTokenAsync());
    }

    [Fact]
    public async Task An_authorizer_s_call_carries_its_authorizer_token_and_SDKs_fetch_that_token_with_a_platform_key()
    {
        var key = await _hub.CreateKeyAsync(["component:" + Platform.Appid]);
        using var client = _hub.Client(key);
        var openid = await _hub.FollowerWithOpenWindowAsync(Merchant);

        var sent = await client.PostAsJsonAsync($"/wechat-api/{Merchant}/cgi-bin/message/custom/send", WeChatWorld.Text(openid, "from the platform")).OkAsync();
        var user = await client.GetAsync($"/wechat-api/{Merchant}/cgi-bin/user/info?openid={openid}").OkAsync();

        Assert.Equal(0, sent["errcode"]!.GetValue<int>());
        Assert.Equal("from the platform", Assert.Single(await _hub.SentMessagesAsync(Merchant))["body"]!["text"]!["content"]!.GetValue<string>());
        Assert.Equal(openid, user.Str("openid"));
        // The authorizer token came from the platform (api_query_auth); the account has no secret to fetch one with.
        Assert.Equal(0, await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, Merchant));
        using var sdk = new HttpClient { BaseAddress = _hub.Server.Address };
        var fetched = await sdk.GetAsync($"/wechat-api/{Merchant}/cgi-bin/token?grant_type=client_credential&appid={Merchant}&secret={key}").OkAsync();
        Assert.Equal((await client.AccessTokenAsync(Merchant)).Str("access_token"), fetched.Str("access_token"));
    }

    [Fact]
    public async Task A_key_naming_one_authorizer_may_not_make_the_platform_s_calls_nor_another_key_the_authorizer_s()
    {
        using var merchantOnly = await _hub.KeyClientAsync(Merchant);
        using var stranger = await _hub.KeyClientAsync("wxsomeotherapp0001");

        await merchantOnly.GetAsync($"/wechat-api/{Merchant}/cgi-bin/getcallbackip").OkAsync();
        var platformCall = await merchantOnly.PostAsJsonAsync($"/wechat-api/{Platform.Appid}{AuthorizerList}",
            new { component_appid = Platform.Appid, offset = 0, count = 100 }).ErrorAsync(HttpStatusCode.NotFound);
        var authorizerCall = await stranger.GetAsync($"/wechat-api/{Merchant}/cgi-bin/getcallbackip").ErrorAsync(HttpStatusCode.NotFound);

        Assert.Equal("app_not_found", platformCall.Str("error"));
        Assert.Equal("app_not_found", authorizerCall.Str("error"));
        Assert.Equal(0, await _hub.UpstreamCallsAsync(AuthorizerList, Platform.Appid));
    }
}
