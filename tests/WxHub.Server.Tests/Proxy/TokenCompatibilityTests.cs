using System.Net.Http.Json;
using WxHub.Core.WeChat;
using WxHub.Server.Tests.Credentials;

namespace WxHub.Server.Tests.Proxy;

/// <summary>SDKs that fetch their own token get WxHub's, with the API key in place of the AppSecret, and use it through the proxy.</summary>
public sealed class TokenCompatibilityTests : IAsyncLifetime
{
    private HubFixture _hub = null!;

    public async Task InitializeAsync() => _hub = await HubFixture.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Token_and_stable_token_answer_the_managed_token_in_WeChat_s_shape_without_refreshing_it()
    {
        var appid = await _hub.RegisterAppAsync();
        var key = await _hub.CreateKeyAsync([appid]);
        using var client = _hub.Client(key);
        using var sdk = new HttpClient { BaseAddress = new Uri(_hub.Server.Address, $"/wechat-api/{appid}/") };
        var managed = (await client.AccessTokenAsync(appid)).Str("access_token");
        var fetches = await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid);
        _hub.Clock.Advance(TimeSpan.FromSeconds(100));

        var token = await sdk.GetAsync($"cgi-bin/token?grant_type=client_credential&appid={appid}&secret={key}").OkAsync();
        var stable = await sdk.PostAsJsonAsync("cgi-bin/stable_token", new { grant_type = "client_credential", appid, secret = key, force_refresh = true }).OkAsync();

        Assert.Equal(managed, token.Str("access_token"));
        Assert.Equal(7100, token["expires_in"]!.GetValue<long>());
        Assert.Equal(["access_token", "expires_in"], token.AsObject().Select(p => p.Key));
        Assert.Equal(managed, stable.Str("access_token"));
        Assert.Equal(fetches, await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));
    }

    [Fact]
    public async Task A_wrong_key_or_request_gets_a_WeChat_error_an_SDK_can_report()
    {
        var appid = await _hub.RegisterAppAsync();
        var other = await _hub.RegisterAppAsync();
        var key = await _hub.CreateKeyAsync([appid]);
        using var sdk = new HttpClient { BaseAddress = new Uri(_hub.Server.Address, $"/wechat-api/{appid}/") };

        async Task<int> ErrCode(Task<HttpResponseMessage> call)
        {
            var error = await call.OkAsync();
            Assert.False(string.IsNullOrEmpty(error.Str("errmsg")));
            Assert.DoesNotContain(key, error.ToJsonString());
            return error["errcode"]!.GetValue<int>();
        }

        Assert.Equal(40125, await ErrCode(sdk.GetAsync($"cgi-bin/token?grant_type=client_credential&appid={appid}&secret=the-real-appsecret")));
        Assert.Equal(40125, await ErrCode(sdk.GetAsync($"cgi-bin/token?grant_type=client_credential&appid={appid}&secret=wxk_0123456789abcdef_revoked")));
        Assert.Equal(41004, await ErrCode(sdk.GetAsync($"cgi-bin/token?grant_type=client_credential&appid={appid}")));
        Assert.Equal(40002, await ErrCode(sdk.GetAsync($"cgi-bin/token?grant_type=password&appid={appid}&secret={key}")));
        Assert.Equal(40013, await ErrCode(sdk.GetAsync($"cgi-bin/token?grant_type=client_credential&appid={other}&secret={key}")));
        using var otherApp = new HttpClient { BaseAddress = new Uri(_hub.Server.Address, $"/wechat-api/{other}/") };
        Assert.Equal(40013, await ErrCode(otherApp.GetAsync($"cgi-bin/token?grant_type=client_credential&secret={key}")));
        Assert.Equal(43002, await ErrCode(sdk.GetAsync("cgi-bin/stable_token")));
        Assert.Equal(47001, await ErrCode(sdk.PostAsync("cgi-bin/stable_token", new StringContent("not json"))));
    }

    [Fact]
    public async Task A_fetched_token_admits_calls_through_the_proxy_until_WxHub_replaces_it()
    {
        var appid = await _hub.RegisterAppAsync(callbackUrl: WeChatWorld.NowhereCallback);
        var key = await _hub.CreateKeyAsync([appid]);
        using var sdk = new HttpClient { BaseAddress = new Uri(_hub.Server.Address, $"/wechat-api/{appid}/") };
        var openid = await _hub.FollowerWithOpenWindowAsync(appid);
        var token = (await sdk.GetAsync($"cgi-bin/token?grant_type=client_credential&appid={appid}&secret={key}").OkAsync()).Str("access_token");

        var sent = await sdk.PostAsJsonAsync($"cgi-bin/message/custom/send?access_token={token}", WeChatWorld.Text(openid, "sent by an SDK")).OkAsync();
        _hub.Clock.Advance(TimeSpan.FromMinutes(1));
        await _hub.Client(key).InvalidateAsync(appid, token).OkAsync();
        var stale = await sdk.PostAsJsonAsync($"cgi-bin/message/custom/send?access_token={token}", WeChatWorld.Text(openid, "too late")).OkAsync();

        Assert.Equal(0, sent["errcode"]!.GetValue<int>());
        Assert.Equal(40001, stale["errcode"]!.GetValue<int>());
        Assert.Equal(["sent by an SDK"], (await _hub.SentMessagesAsync(appid)).Select(m => m["body"]!["text"]!["content"]!.GetValue<string>()));
    }
}
