using System.Net;
using System.Net.Http.Json;
using WxHub.Core.WeChat;
using WxHub.Server.Tests.Attack;
using WxHub.Testing;

namespace WxHub.Server.Tests.Credentials;

public sealed class RecoveryTests
{
    [Fact]
    public async Task At_start_up_registered_apps_get_a_token_before_anyone_asks_and_a_stored_one_due_for_refresh_is_replaced()
    {
        await using var hub = await HubFixture.StartAsync();
        var fresh = await hub.RegisterAppAsync();
        var held = await hub.RegisterAppAsync();
        var old = (await (await hub.KeyClientAsync(held)).AccessTokenAsync(held)).Str("access_token");

        // Down while the held token enters its last minutes.
        await hub.RestartServerAsync(downFor: TimeSpan.FromMinutes(118));

        foreach (var appid in new[] { fresh, held })
        {
            await Eventually.True(async () =>
                (await hub.Admin.GetAsync($"/v1/admin/apps/{appid}/events").OkAsync())["events"]!.AsArray()
                    .Select(e => e!).Any(e => e.Str("reason") == "startup" && e.Str("outcome") == "succeeded"),
                $"{appid} got a token at start-up");
        }
        using var client = await hub.KeyClientAsync(fresh, held);
        Assert.NotEqual(old, (await client.AccessTokenAsync(held)).Str("access_token"));
        await client.AccessTokenAsync(fresh);
        Assert.Equal(1, await hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, fresh));
        Assert.Equal(2, await hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, held));
    }

    [Fact]
    public async Task A_wrong_secret_is_a_visible_error_that_backs_off_and_fixing_it_takes_effect_at_once()
    {
        await using var hub = await HubFixture.StartAsync();
        var appid = await hub.RegisterAppAsync(secretInWxHub: "not-the-secret");
        using var client = await hub.KeyClientAsync(appid);

        var error = await client.GetAsync($"/v1/apps/{appid}/access-token").ErrorAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("invalid_app_credentials", error.Str("error"));
        Assert.NotNull(error["errcode"]);
        Assert.DoesNotContain("not-the-secret", error.Str("message"));
        await client.GetAsync($"/v1/apps/{appid}/access-token").ErrorAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(1, await hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));

        (await hub.Admin.PatchAsJsonAsync($"/v1/admin/apps/{appid}", new { secret = hub.SecretOf(appid) })).EnsureSuccessStatusCode();

        Assert.False(string.IsNullOrEmpty((await client.AccessTokenAsync(appid)).Str("access_token")));
        Assert.Equal(2, await hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));
    }

    [Fact]
    public async Task Served_tokens_and_tickets_are_not_in_the_database_files_in_the_clear()
    {
        await using var hub = await HubFixture.StartAsync();
        var appid = await hub.RegisterAppAsync();
        using var client = await hub.KeyClientAsync(appid);
        var token = (await client.AccessTokenAsync(appid)).Str("access_token");
        var ticket = (await client.GetAsync($"/v1/apps/{appid}/tickets/jsapi").OkAsync()).Str("ticket");

        await SecretScan.AssertNotInDatabaseAsync(hub.DataPath, [("the access token", token), ("the jsapi ticket", ticket), ("the AppSecret", hub.SecretOf(appid))]);
    }
}
