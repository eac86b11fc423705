using System.Net;
using WxHub.Core.WeChat;

namespace WxHub.Server.Tests.Credentials;

public sealed class TokenServingTests : IAsyncLifetime
{
    private HubFixture _hub = null!;

    public async Task InitializeAsync() => _hub = await HubFixture.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_thousand_concurrent_readers_cost_one_upstream_call_and_all_get_the_same_token()
    {
        var appid = await _hub.RegisterAppAsync();
        using var client = await _hub.KeyClientAsync(appid);
        // WeChat answers slowly, so the readers really do arrive while the one fetch is in flight.
        await _hub.InjectFaultAsync(new { path = WeChatEndpoints.StableToken, appid, delay_ms = 300, count = 1 });

        var answers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => client.AccessTokenAsync(appid)));

        Assert.Equal(1, await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));
        Assert.Single(answers.Select(a => a.Str("access_token")).Distinct());
        var first = answers[0];
        Assert.Equal(appid, first.Str("appid"));
        Assert.Equal(7200, first["expires_in"]!.GetValue<long>());
        Assert.Equal("2026-01-01T02:00:00Z", first.Str("expires_at"));
    }

    [Fact]
    public async Task Expires_in_counts_down_in_whole_seconds_with_the_clock()
    {
        var appid = await _hub.RegisterAppAsync();
        using var client = await _hub.KeyClientAsync(appid);
        var first = await client.AccessTokenAsync(appid);

        _hub.Clock.Advance(TimeSpan.FromSeconds(90.5));
        var later = await client.AccessTokenAsync(appid);

        Assert.Equal(first.Str("access_token"), later.Str("access_token"));
        Assert.Equal(first.Str("expires_at"), later.Str("expires_at"));
        Assert.Equal(7200 - 91, later["expires_in"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_key_for_app_A_sees_app_B_as_not_found_and_a_missing_key_is_unauthorized()
    {
        var a = await _hub.RegisterAppAsync();
        var b = await _hub.RegisterAppAsync();
        using var keyA = await _hub.KeyClientAsync(a);

        var hidden = await keyA.GetAsync($"/v1/apps/{b}/access-token").ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("app_not_found", hidden.Str("error"));
        var unknown = await keyA.GetAsync("/v1/apps/wxdoesnotexist/access-token").ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(hidden.Str("error"), unknown.Str("error"));
        await keyA.GetAsync($"/v1/apps/{b}/tickets/jsapi").ErrorAsync(HttpStatusCode.NotFound);
        await keyA.InvalidateAsync(b, "anything").ErrorAsync(HttpStatusCode.NotFound);

        using var anonymous = new HttpClient { BaseAddress = _hub.Server.Address };
        await anonymous.GetAsync($"/v1/apps/{a}/access-token").ErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, b));
    }

    [Fact]
    public async Task A_stored_token_is_served_after_a_restart_without_asking_WeChat_again()
    {
        var appid = await _hub.RegisterAppAsync();
        var token = (await (await _hub.KeyClientAsync(appid)).AccessTokenAsync(appid)).Str("access_token");

        await _hub.RestartServerAsync();
        var again = await (await _hub.KeyClientAsync(appid)).AccessTokenAsync(appid);

        Assert.Equal(token, again.Str("access_token"));
        Assert.Equal(1, await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));
    }

    [Fact]
    public async Task Bad_invalidate_bodies_are_400_with_a_message()
    {
        var appid = await _hub.RegisterAppAsync();
        using var client = await _hub.KeyClientAsync(appid);

        var missing = await client.PostAsync($"/v1/apps/{appid}/access-token/invalidate", JsonContent("{}")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains("access_token", missing.Str("message"));
        await client.PostAsync($"/v1/apps/{appid}/access-token/invalidate", JsonContent("{not json")).ErrorAsync(HttpStatusCode.BadRequest);
        await client.PostAsync($"/v1/apps/{appid}/tickets/jsapi/invalidate", JsonContent("[]")).ErrorAsync(HttpStatusCode.BadRequest);
        await client.GetAsync($"/v1/apps/{appid}/tickets/nonsense").ErrorAsync(HttpStatusCode.NotFound);
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
