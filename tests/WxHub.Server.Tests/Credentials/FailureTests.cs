using System.Net;
using WxHub.Core.WeChat;

namespace WxHub.Server.Tests.Credentials;

public sealed class FailureTests
{
    [Fact]
    public async Task An_app_whose_IP_is_not_whitelisted_is_in_a_visible_error_state_naming_the_IP_without_hammering_WeChat()
    {
        await using var hub = await HubFixture.StartAsync();
        var appid = await hub.RegisterAppAsync(ipWhitelist: ["203.0.113.9"]);
        using var client = await hub.KeyClientAsync(appid);

        var error = await client.GetAsync($"/v1/apps/{appid}/access-token").ErrorAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("ip_not_whitelisted", error.Str("error"));
        Assert.Equal(40164, error["errcode"]!.GetValue<int>());
        Assert.Contains("127.0.0.1", error.Str("message"));

        for (var i = 0; i < 20; i++) await client.GetAsync($"/v1/apps/{appid}/access-token").ErrorAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(1, await hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));

        var events = await hub.Admin.GetAsync($"/v1/admin/apps/{appid}/events").OkAsync();
        var status = events["credentials"]!.AsArray().Single(c => c!.Str("credential") == "access_token")!;
        Assert.Equal("ip_not_whitelisted", status["fault"]!.Str("error"));
        var attempt = events["events"]!.AsArray().Single()!;
        Assert.Equal(("demand", "failed", 40164), (attempt.Str("reason"), attempt.Str("outcome"), attempt["errcode"]!.GetValue<int>()));
    }

    [Fact]
    public async Task WeChat_saying_45009_stops_calls_for_the_rest_of_the_UTC_day()
    {
        await using var hub = await HubFixture.StartAsync();
        var appid = await hub.RegisterAppAsync();
        using var client = await hub.KeyClientAsync(appid);
        await hub.InjectFaultAsync(new { path = WeChatEndpoints.StableToken, appid, errcode = 45009 });

        var error = await client.GetAsync($"/v1/apps/{appid}/access-token").ErrorAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(("quota_exhausted", 45009), (error.Str("error"), error["errcode"]!.GetValue<int>()));

        hub.Clock.Advance(TimeSpan.FromHours(6));
        await client.GetAsync($"/v1/apps/{appid}/access-token").ErrorAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(1, await hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));

        (await hub.EmulatorClient.DeleteAsync("/__emulator/faults")).EnsureSuccessStatusCode();
        hub.Clock.Advance(TimeSpan.FromHours(18));
        Assert.False(string.IsNullOrEmpty((await client.AccessTokenAsync(appid)).Str("access_token")));
    }

    [Fact]
    public async Task WxHub_stops_at_its_own_daily_budget_before_WeChat_says_45009_and_keeps_serving_the_valid_token()
    {
        await using var hub = await HubFixture.StartAsync(new Dictionary<string, string?> { ["WeChat:DailyQuotas:StableToken"] = "2" });
        var appid = await hub.RegisterAppAsync();
        using var client = await hub.KeyClientAsync(appid);
        var first = (await client.AccessTokenAsync(appid)).Str("access_token");
        hub.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = (await client.InvalidateAsync(appid, first).OkAsync()).Str("access_token");
        hub.Clock.Advance(TimeSpan.FromMinutes(1));

        var refused = await client.InvalidateAsync(appid, second).ErrorAsync(HttpStatusCode.ServiceUnavailable);

        Assert.Equal("quota_exhausted", refused.Str("error"));
        Assert.Null(refused["errcode"]);
        Assert.Equal(2, await hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));
        Assert.Equal(second, (await client.AccessTokenAsync(appid)).Str("access_token"));
    }
}
