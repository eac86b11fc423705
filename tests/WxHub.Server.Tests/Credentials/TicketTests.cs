using System.Net;
using System.Net.Http.Json;
using WxHub.Core.WeChat;
using WxHub.Protocol.Signatures;

namespace WxHub.Server.Tests.Credentials;

public sealed class TicketTests : IAsyncLifetime
{
    private HubFixture _hub = null!;

    public async Task InitializeAsync() => _hub = await HubFixture.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Jsapi_and_wx_card_tickets_are_fetched_once_with_the_held_token_and_then_served_from_memory()
    {
        var appid = await _hub.RegisterAppAsync();
        using var client = await _hub.KeyClientAsync(appid);

        var jsapi = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.GetAsync($"/v1/apps/{appid}/tickets/jsapi").OkAsync()));
        var card = await client.GetAsync($"/v1/apps/{appid}/tickets/wx_card").OkAsync();

        var ticket = Assert.Single(jsapi.Select(t => t.Str("ticket")).Distinct());
        Assert.NotEqual(ticket, card.Str("ticket"));
        Assert.Equal(7200, card["expires_in"]!.GetValue<long>());
        Assert.Equal("2026-01-01T02:00:00Z", card.Str("expires_at"));
        Assert.Equal(2, await _hub.UpstreamCallsAsync(WeChatEndpoints.GetTicket, appid));
        Assert.Equal(1, await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));
    }

    [Fact]
    public async Task A_ticket_invalidation_replaces_the_current_ticket_once_and_ignores_a_replaced_one()
    {
        var appid = await _hub.RegisterAppAsync();
        using var client = await _hub.KeyClientAsync(appid);
        var old = (await client.GetAsync($"/v1/apps/{appid}/tickets/jsapi").OkAsync()).Str("ticket");

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            client.PostAsJsonAsync($"/v1/apps/{appid}/tickets/jsapi/invalidate", new { ticket = old }).OkAsync()));
        var replacement = Assert.Single(answers.Select(a => a.Str("ticket")).Distinct());
        var again = await client.PostAsJsonAsync($"/v1/apps/{appid}/tickets/jsapi/invalidate", new { ticket = old }).OkAsync();

        Assert.NotEqual(old, replacement);
        Assert.Equal(replacement, again.Str("ticket"));
        Assert.Equal(2, await _hub.UpstreamCallsAsync(WeChatEndpoints.GetTicket, appid));
    }

    [Fact]
    public async Task The_JS_SDK_signature_is_made_with_the_jsapi_ticket_over_the_URL_without_its_fragment()
    {
        var appid = await _hub.RegisterAppAsync();
        using var client = await _hub.KeyClientAsync(appid);
        var ticket = (await client.GetAsync($"/v1/apps/{appid}/tickets/jsapi").OkAsync()).Str("ticket");

        var config = await client.PostAsJsonAsync($"/v1/apps/{appid}/jssdk/signature",
            new { url = "https://shop.example.com/page?id=7#section-2", jsApiList = new[] { "chooseImage", "scanQRCode" } }).OkAsync();

        Assert.Equal(appid, config.Str("appId"));
        var timestamp = config["timestamp"]!.GetValue<long>();
        Assert.Equal(_hub.Clock.GetUtcNow().ToUnixTimeSeconds(), timestamp);
        var nonce = config.Str("nonceStr");
        Assert.Equal(16, nonce.Length);
        Assert.Equal(JsSdkSignature.Compute(ticket, nonce, timestamp, "https://shop.example.com/page?id=7"), config.Str("signature"));
        Assert.Equal(["chooseImage", "scanQRCode"], config["jsApiList"]!.AsArray().Select(n => n!.GetValue<string>()));

        var bad = await client.PostAsJsonAsync($"/v1/apps/{appid}/jssdk/signature", new { url = "not a url" }).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_url", bad.Str("error"));
    }

    [Fact]
    public async Task A_ticket_fetch_that_WeChat_refuses_for_a_stale_token_refreshes_the_token_and_retries_once()
    {
        var appid = await _hub.RegisterAppAsync();
        using var client = await _hub.KeyClientAsync(appid);
        var token = (await client.AccessTokenAsync(appid)).Str("access_token");
        await _hub.InjectFaultAsync(new { path = WeChatEndpoints.GetTicket, appid, errcode = 40001, count = 1 });

        Assert.False(string.IsNullOrEmpty((await client.GetAsync($"/v1/apps/{appid}/tickets/jsapi").OkAsync()).Str("ticket")));

        Assert.NotEqual(token, (await client.AccessTokenAsync(appid)).Str("access_token"));
        Assert.Equal(2, await _hub.UpstreamCallsAsync(WeChatEndpoints.GetTicket, appid));
    }
}
