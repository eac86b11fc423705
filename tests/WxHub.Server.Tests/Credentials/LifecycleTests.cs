using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Core.Credentials;
using WxHub.Core.WeChat;
using WxHub.Testing;

namespace WxHub.Server.Tests.Credentials;

public sealed class LifecycleTests
{
    private static readonly TimeSpan MinimumLifetime = new CredentialOptions().MinimumLifetime;

    [Fact]
    public async Task Over_a_simulated_day_tokens_are_refreshed_ahead_of_expiry_and_no_reader_gets_an_expired_one()
    {
        await using var hub = await HubFixture.StartAsync();
        var manager = hub.Server.Services.GetRequiredService<CredentialManager>();
        var appid = await hub.RegisterAppAsync();
        using var client = await hub.KeyClientAsync(appid);
        var tokens = new List<(string Token, DateTimeOffset ExpiresAt, DateTimeOffset FirstServed)>();

        for (var minute = 0; minute <= 24 * 60; minute++)
        {
            if (minute > 0) hub.Clock.Advance(TimeSpan.FromMinutes(1));
            await Eventually.True(() => !manager.GetStatus(appid).Any(s => s.Refreshing), "background refreshes finished");

            var answer = await client.AccessTokenAsync(appid);
            var now = hub.Clock.GetUtcNow();
            var token = answer.Str("access_token");
            var expiresAt = answer.Time("expires_at");
            Assert.True(expiresAt - now >= MinimumLifetime, $"At {now:O} a token expiring at {expiresAt:O} was served.");
            // WeChat itself still takes it.
            var check = JsonNode.Parse(await hub.EmulatorClient.GetStringAsync($"/cgi-bin/getcallbackip?access_token={Uri.EscapeDataString(token)}"))!;
            Assert.True(check["errcode"] is null || check["errcode"]!.GetValue<int>() == 0, $"At {now:O} WeChat refused the served token: {check}");
            if (tokens.Count == 0 || tokens[^1].Token != token) tokens.Add((token, expiresAt, now));
        }

        // 24 h of 2 h tokens, each replaced a few minutes early: 12 or 13 tokens, each taken over before the last expired.
        Assert.InRange(tokens.Count, 12, 14);
        for (var i = 1; i < tokens.Count; i++)
        {
            Assert.True(tokens[i].FirstServed < tokens[i - 1].ExpiresAt - MinimumLifetime, $"Token {i} came after its predecessor's last minute.");
        }
        var events = (await hub.Admin.GetAsync($"/v1/admin/apps/{appid}/events?limit=1000").OkAsync())["events"]!.AsArray();
        Assert.All(events, e => Assert.Equal("succeeded", e!.Str("outcome")));
        Assert.Equal(1, events.Count(e => e!.Str("reason") == "demand"));
        Assert.Equal(tokens.Count, await hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));
    }

    [Fact]
    public async Task A_failing_refresh_keeps_serving_the_valid_token_until_its_minimum_lifetime_then_recovers()
    {
        // One call per attempt: retries of -1 would wait on the manual clock inside a read.
        await using var hub = await HubFixture.StartAsync(new Dictionary<string, string?> { ["WeChat:BusyRetries"] = "0" });
        var appid = await hub.RegisterAppAsync();
        using var client = await hub.KeyClientAsync(appid);
        var token = (await client.AccessTokenAsync(appid)).Str("access_token");
        var expiresAt = hub.Clock.GetUtcNow().AddHours(2);
        await hub.InjectFaultAsync(new { path = WeChatEndpoints.StableToken, appid, errcode = -1 });

        // Walk to the last second the token may be served: every refresh attempt on the way fails.
        while (hub.Clock.GetUtcNow() < expiresAt - MinimumLifetime - TimeSpan.FromSeconds(10))
        {
            hub.Clock.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(token, (await client.AccessTokenAsync(appid)).Str("access_token"));
        }
        await Eventually.True(async () => await hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid) > 1, "background refreshes were attempted");

        hub.Clock.Advance(TimeSpan.FromSeconds(15));
        var busy = await client.GetAsync($"/v1/apps/{appid}/access-token").ErrorAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("wechat_busy", busy.Str("error"));
        Assert.Equal(-1, busy["errcode"]!.GetValue<int>());

        (await hub.EmulatorClient.DeleteAsync("/__emulator/faults")).EnsureSuccessStatusCode();
        await Eventually.True(async () =>
        {
            hub.Clock.Advance(TimeSpan.FromSeconds(5));
            using var response = await client.GetAsync($"/v1/apps/{appid}/access-token");
            return response.StatusCode == HttpStatusCode.OK;
        }, "the token is served again once WeChat answers");
        var events = (await hub.Admin.GetAsync($"/v1/admin/apps/{appid}/events").OkAsync())["events"]!.AsArray();
        Assert.Equal("succeeded", events[0]!.Str("outcome"));
        Assert.Contains(events.Select(e => e!), e => e.Str("outcome") == "failed" && e["errcode"]?.GetValue<int>() == -1 && e.Str("reason") == "schedule");
    }

    [Fact]
    public async Task WeChat_busy_is_retried_with_backoff_within_one_read()
    {
        await using var hub = await HubFixture.StartAsync();
        var appid = await hub.RegisterAppAsync();
        using var client = await hub.KeyClientAsync(appid);
        await hub.InjectFaultAsync(new { path = WeChatEndpoints.StableToken, appid, errcode = -1, count = 2 });

        var read = client.AccessTokenAsync(appid);
        await Eventually.True(() =>
        {
            if (!read.IsCompleted) hub.Clock.Advance(TimeSpan.FromMilliseconds(250));
            return read.IsCompleted;
        }, "the read completes once the retries got through");

        Assert.False(string.IsNullOrEmpty((await read).Str("access_token")));
        Assert.Equal(3, await hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));
    }

    [Fact]
    public async Task When_an_access_point_is_down_calls_fail_over_to_the_next_and_all_down_is_a_clear_503()
    {
        await using var hub = await HubFixture.StartAsync();
        var appid = await hub.RegisterAppAsync();
        var other = await hub.RegisterAppAsync();
        using var client = await hub.KeyClientAsync(appid, other);
        await hub.Emulator.TakeDownAsync("api");

        var token = (await client.AccessTokenAsync(appid)).Str("access_token");
        Assert.False(string.IsNullOrEmpty(token));
        using var control = new HttpClient { BaseAddress = hub.Emulator.AccessPoints["hk"] };
        var stats = JsonNode.Parse(await control.GetStringAsync("/__emulator/stats"))!;
        Assert.True(stats["access_points"]!["api2"]!.GetValue<int>() >= 1, stats.ToJsonString());

        foreach (var name in new[] { "api2", "sh", "sz", "hk" }) await hub.Emulator.TakeDownAsync(name);
        var down = await client.GetAsync($"/v1/apps/{other}/access-token").ErrorAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("wechat_unreachable", down.Str("error"));
        // The token already held is still served.
        Assert.Equal(token, (await client.AccessTokenAsync(appid)).Str("access_token"));
    }
}
