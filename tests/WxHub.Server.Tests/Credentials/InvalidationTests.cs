using WxHub.Core.WeChat;

namespace WxHub.Server.Tests.Credentials;

public sealed class InvalidationTests : IAsyncLifetime
{
    private HubFixture _hub = null!;

    public async Task InitializeAsync() => _hub = await HubFixture.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_hundred_simultaneous_invalidations_of_the_current_token_cost_one_upstream_call()
    {
        var appid = await _hub.RegisterAppAsync();
        using var client = await _hub.KeyClientAsync(appid);
        var old = (await client.AccessTokenAsync(appid)).Str("access_token");
        var before = await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid);
        await _hub.InjectFaultAsync(new { path = WeChatEndpoints.StableToken, appid, delay_ms = 300, count = 1 });

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => client.InvalidateAsync(appid, old).OkAsync()));

        Assert.Equal(before + 1, await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));
        var replacement = Assert.Single(answers.Select(a => a.Str("access_token")).Distinct());
        Assert.NotEqual(old, replacement);
        Assert.Equal(replacement, (await client.AccessTokenAsync(appid)).Str("access_token"));
    }

    [Fact]
    public async Task Invalidating_an_already_replaced_token_returns_the_current_one_without_calling_WeChat()
    {
        var appid = await _hub.RegisterAppAsync();
        using var client = await _hub.KeyClientAsync(appid);
        var old = (await client.AccessTokenAsync(appid)).Str("access_token");
        _hub.Clock.Advance(TimeSpan.FromMinutes(1));
        var current = (await client.InvalidateAsync(appid, old).OkAsync()).Str("access_token");
        var calls = await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid);

        var again = await client.InvalidateAsync(appid, old).OkAsync();
        var unknown = await client.InvalidateAsync(appid, "not-a-token-we-ever-served").OkAsync();

        Assert.Equal(current, again.Str("access_token"));
        Assert.Equal(current, unknown.Str("access_token"));
        Assert.Equal(calls, await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));
    }

    [Fact]
    public async Task Without_force_refresh_allowance_a_stable_token_invalidation_asks_in_normal_mode_and_keeps_serving()
    {
        var appid = await _hub.RegisterAppAsync();
        using var client = await _hub.KeyClientAsync(appid);
        var first = (await client.AccessTokenAsync(appid)).Str("access_token");
        _hub.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = (await client.InvalidateAsync(appid, first).OkAsync()).Str("access_token");

        // Within 30 s of the forced refresh WeChat would ignore another, so WxHub asks in normal mode: same token back.
        _hub.Clock.Advance(TimeSpan.FromSeconds(10));
        var third = (await client.InvalidateAsync(appid, second).OkAsync()).Str("access_token");

        Assert.NotEqual(first, second);
        Assert.Equal(second, third);
        Assert.Equal(3, await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));
    }

    [Fact]
    public async Task In_classic_mode_tokens_come_from_cgi_bin_token_and_an_invalidation_fetches_one_new_token()
    {
        var appid = await _hub.RegisterAppAsync(tokenMode: "classic");
        using var client = await _hub.KeyClientAsync(appid);
        var old = (await client.AccessTokenAsync(appid)).Str("access_token");

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.InvalidateAsync(appid, old).OkAsync()));

        Assert.NotEqual(old, Assert.Single(answers.Select(a => a.Str("access_token")).Distinct()));
        Assert.Equal(2, await _hub.UpstreamCallsAsync(WeChatEndpoints.Token, appid));
        Assert.Equal(0, await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));
    }
}
