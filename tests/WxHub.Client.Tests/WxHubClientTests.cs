using System.Net;
using System.Net.Http.Json;
using WxHub.Core.WeChat;
using WxHub.Protocol.Signatures;

namespace WxHub.Client.Tests;

public sealed class WxHubClientTests : IAsyncLifetime
{
    private HubFixture _hub = null!;

    public async Task InitializeAsync() => _hub = await HubFixture.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_token_is_served_from_the_cache_until_shortly_before_it_expires()
    {
        var appid = await _hub.RegisterAppAsync();
        var key = await _hub.CreateKeyAsync([appid]);
        using var operatorClient = _hub.Client(key);
        await using var world = ClientWorld.Start(_hub, appid, key);

        var first = await world.WxHub.GetAccessTokenAsync(appid);
        // Another service reports the token: WxHub replaces it, but this process keeps its cached copy.
        _hub.Clock.Advance(TimeSpan.FromMinutes(1));
        await operatorClient.PostAsync($"/v1/apps/{appid}/access-token/invalidate", Json($$"""{"access_token":"{{first.Value}}"}"""));
        var cached = await world.WxHub.GetAccessTokenAsync(appid);
        _hub.Clock.Advance(first.ExpiresAt - _hub.Clock.GetUtcNow() - TimeSpan.FromMinutes(5));
        var fetched = await world.WxHub.GetAccessTokenAsync(appid);

        Assert.Equal(appid, first.Appid);
        Assert.Equal(_hub.Clock.GetUtcNow() + TimeSpan.FromMinutes(5), first.ExpiresAt);
        Assert.Equal(first.Value, cached.Value);
        Assert.NotEqual(first.Value, fetched.Value);
        Assert.Equal(await ClientWorld.CurrentTokenAsync(operatorClient, appid), fetched.Value);
        Assert.DoesNotContain(first.Value, first.ToString());
    }

    [Fact]
    public async Task Invalidating_replaces_the_cached_token_with_WxHub_s_new_one()
    {
        var appid = await _hub.RegisterAppAsync();
        await using var world = ClientWorld.Start(_hub, appid, await _hub.CreateKeyAsync([appid]));
        var first = await world.WxHub.GetAccessTokenAsync(appid);

        var replaced = await world.WxHub.InvalidateAccessTokenAsync(appid, first.Value);
        var next = await world.WxHub.GetAccessTokenAsync(appid);

        Assert.NotEqual(first.Value, replaced.Value);
        Assert.Equal(replaced.Value, next.Value);
    }

    [Fact]
    public async Task Tickets_and_the_JS_SDK_signature_come_from_WxHub()
    {
        var appid = await _hub.RegisterAppAsync();
        await using var world = ClientWorld.Start(_hub, appid, await _hub.CreateKeyAsync([appid]));
        const string page = "https://shop.example/pay?id=1#top";

        var ticket = await world.WxHub.GetTicketAsync(appid, TicketType.Jsapi);
        var card = await world.WxHub.GetTicketAsync(appid, TicketType.WxCard);
        var config = await world.WxHub.GetJsSdkConfigAsync(appid, page, ["chooseImage"]);
        var again = await world.WxHub.InvalidateTicketAsync(appid, TicketType.Jsapi, "a-ticket-never-served");

        Assert.NotEqual(ticket.Value, card.Value);
        Assert.Equal(appid, config.AppId);
        Assert.Equal(["chooseImage"], config.JsApiList);
        Assert.Equal(JsSdkSignature.Compute(ticket.Value, config.NonceStr, config.Timestamp, page), config.Signature);
        Assert.Equal(ticket.Value, again.Value);
    }

    [Fact]
    public async Task WxHub_s_refusals_surface_as_exceptions_with_its_error_code()
    {
        var appid = await _hub.RegisterAppAsync();
        var other = await _hub.RegisterAppAsync();
        await using var world = ClientWorld.Start(_hub, appid, await _hub.CreateKeyAsync([appid]));

        var error = await Assert.ThrowsAsync<WxHubException>(() => world.WxHub.GetAccessTokenAsync(other));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("app_not_found", error.Error);
        Assert.Contains(other, error.Detail);
    }

    [Fact]
    public async Task Users_and_sign_ins_come_from_the_directory_and_the_login_endpoints()
    {
        var appid = await _hub.RegisterAppAsync(openAccount: "open-client-tests");
        await using var world = ClientWorld.Start(_hub, appid, await _hub.CreateKeyAsync([appid]));
        var openid = await _hub.FollowerAsync(appid);

        var user = await world.WxHub.GetUserAsync(appid, openid);
        var person = await world.WxHub.GetUsersByUnionIdAsync(user.Unionid!);
        var replayed = await Assert.ThrowsAsync<WxHubException>(() => world.WxHub.ExchangeSignInCodeAsync("not-a-wxhub-code"));

        Assert.Equal(openid, user.Openid);
        Assert.Equal(1, user.User?.Subscribe);
        Assert.Equal([new AppOpenId(appid, openid)], person.Identities);
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
    }

    [Fact]
    public async Task The_handler_adds_the_token_to_direct_calls_and_heals_a_40001_with_one_refresh_and_one_retry()
    {
        var appid = await _hub.RegisterAppAsync();
        await using var world = ClientWorld.Start(_hub, appid, await _hub.CreateKeyAsync([appid]));
        var openid = await _hub.FollowerAsync(appid);
        var wechat = world.WeChatClient;
        await wechat.GetStringAsync("/cgi-bin/user/get?access_token=ignored");
        var refreshes = await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid);
        await _hub.InjectFaultAsync(new { path = "/cgi-bin/message/template/send", appid, errcode = 40001, count = 1 });

        // PostAsJsonAsync streams its JSON (no length known): the handler must still be able to send it twice.
        using var sent = await wechat.PostAsJsonAsync("/cgi-bin/message/template/send", new { touser = openid, template_id = "t1", data = new { first = new { value = "paid" } } });

        Assert.Contains("\"errcode\":0", await sent.Content.ReadAsStringAsync());
        Assert.Equal(refreshes + 1, await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));
        Assert.Equal(2, await _hub.UpstreamCallsAsync("/cgi-bin/message/template/send", appid));
        Assert.Single(await _hub.SentMessagesAsync(appid));
    }

    [Fact]
    public async Task A_storm_of_40001s_through_the_handler_costs_one_refresh()
    {
        var appid = await _hub.RegisterAppAsync(tokenMode: "classic");
        await using var world = ClientWorld.Start(_hub, appid, await _hub.CreateKeyAsync([appid]));
        var openid = await _hub.FollowerAsync(appid);
        await world.WxHub.GetAccessTokenAsync(appid);
        for (var i = 0; i < 2; i++)
            await _hub.EmulatorClient.GetStringAsync($"/cgi-bin/token?grant_type=client_credential&appid={appid}&secret={_hub.SecretOf(appid)}");
        var tokenCalls = await _hub.UpstreamCallsAsync(WeChatEndpoints.Token, appid);

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => world.WeChatClient.GetStringAsync($"/cgi-bin/user/info?openid={openid}")));

        Assert.All(answers, a => Assert.Contains(openid, a));
        Assert.Equal(tokenCalls + 1, await _hub.UpstreamCallsAsync(WeChatEndpoints.Token, appid));
    }

    [Fact]
    public async Task Media_downloads_pass_through_the_handler_untouched()
    {
        var appid = await _hub.RegisterAppAsync();
        await using var world = ClientWorld.Start(_hub, appid, await _hub.CreateKeyAsync([appid]));
        var bytes = new byte[] { 0xFF, 0xD8, 0xFF, 0, 1, 2 };
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "media", "a.jpg" } };
        using var uploaded = await world.WeChatClient.PostAsync("/cgi-bin/media/upload?type=image", form);
        var mediaId = System.Text.Json.JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement.GetProperty("media_id").GetString();

        var file = await world.WeChatClient.GetByteArrayAsync($"/cgi-bin/media/get?media_id={mediaId}");

        Assert.Equal(bytes, file);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
