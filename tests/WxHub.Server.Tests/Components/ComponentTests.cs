using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using WxHub.Core.WeChat;
using WxHub.Server.Tests.Credentials;
using WxHub.Server.Tests.Messages;
using WxHub.Testing;

namespace WxHub.Server.Tests.Components;

public sealed class ComponentTests
{
    private const string Merchant = "wxmerchant00000001";
    private const string Second = "wxmerchant00000002";

    [Fact]
    public async Task From_the_first_ticket_push_through_the_approve_page_to_a_served_authorizer_token()
    {
        await using var hub = await HubFixture.StartAsync();
        // Registering the platform asks WeChat for a ticket; the first one pushed gets WxHub its component token.
        var platform = await Platform.StartAsync(hub);
        Assert.Equal(1, await hub.UpstreamCallsAsync(WeChatEndpoints.StartPushTicket, Platform.Appid));
        Assert.Equal(1, await hub.UpstreamCallsAsync(WeChatEndpoints.ComponentToken, Platform.Appid));
        await platform.RegisterAccountAsync(Merchant, "Merchant One");

        var result = await platform.AuthorizeThroughThePagesAsync(Merchant);
        Assert.Equal(Merchant, result["authorizer_appid"]);
        Assert.Equal("authorized", result["status"]);
        Assert.NotEmpty(result["scopes"]);

        // Business code reads the authorizer's token as any app's, with a key that names the platform.
        using var client = await hub.KeyClientAsync("component:" + Platform.Appid);
        var token = (await client.AccessTokenAsync(Merchant)).Str("access_token");
        Assert.True(await platform.WeChatTakesAsync(token));
        var replaced = (await client.InvalidateAsync(Merchant, token).OkAsync()).Str("access_token");
        Assert.NotEqual(token, replaced);
        Assert.True(await platform.WeChatTakesAsync(replaced));
        using var stranger = await hub.KeyClientAsync("wxsomeotherapp0001");
        await stranger.GetAsync($"/v1/apps/{Merchant}/access-token").ErrorAsync(HttpStatusCode.NotFound);
        await stranger.GetAsync($"/v1/components/{Platform.Appid}/authorizers").ErrorAsync(HttpStatusCode.NotFound);

        var page = await client.GetAsync($"/v1/components/{Platform.Appid}/authorizers").OkAsync();
        Assert.Equal(1, page["total"]!.GetValue<int>());
        var listed = page["authorizers"]!.AsArray().Single()!;
        Assert.Equal(Merchant, listed.Str("appid"));
        Assert.Equal("authorized", listed.Str("status"));
        Assert.Equal("Merchant One", listed.Str("name"));
        Assert.Equal("official_account", listed.Str("account_type"));
        Assert.NotEmpty(listed["scopes"]!.AsArray());
        var detail = await platform.AuthorizerAsync(Merchant);
        Assert.Contains(detail["events"]!.AsArray(), e => e!.Str("kind") == "authorized");

        // The grant itself (WeChat's list shows it) is nowhere in the clear: not in answers, not on disk.
        var refreshToken = (await AuthorizerListAsync(hub, await platform.ComponentTokenAsync()))[0]!.Str("refresh_token");
        Assert.DoesNotContain(refreshToken, detail.ToJsonString());
        foreach (var file in Directory.GetFiles(hub.DataPath, "wxhub.db*"))
            Assert.True((await ReadSharedAsync(file)).AsSpan().IndexOf(Encoding.UTF8.GetBytes(refreshToken)) < 0, $"{Path.GetFileName(file)} holds a refresh token in the clear.");
    }

    [Fact]
    public async Task Updateauthorized_renews_the_grant_and_unauthorized_ends_it_and_tells_subscribers()
    {
        await using var hub = await HubFixture.StartAsync();
        var platform = await Platform.StartAsync(hub);
        await platform.RegisterAccountAsync(Merchant, "Merchant One");
        await platform.AuthorizeByControlAsync(Merchant);
        await using var subscriber = await SubscriberServer.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await hub.Admin.PostAsJsonAsync($"/v1/admin/apps/{Merchant}/subscribers",
            new { url = subscriber.Url, secret = SubscriberServer.Secret, events = new[] { "authorization" } })).StatusCode);
        using var client = await hub.KeyClientAsync(Merchant);
        var first = (await client.AccessTokenAsync(Merchant)).Str("access_token");

        await platform.AuthorizeByControlAsync(Merchant);
        var renewed = await platform.AuthorizerAsync(Merchant);
        Assert.Equal("updateauthorized", renewed["events"]![0]!.Str("kind"));
        var second = (await client.AccessTokenAsync(Merchant)).Str("access_token");
        Assert.NotEqual(first, second);
        Assert.True(await platform.WeChatTakesAsync(second));

        await platform.UnauthorizeByControlAsync(Merchant);
        var error = await client.GetAsync($"/v1/apps/{Merchant}/access-token").ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("app_not_found", error.Str("error"));
        var revoked = await platform.AuthorizerAsync(Merchant);
        Assert.Equal("revoked", revoked["authorizer"]!.Str("status"));
        Assert.NotNull(revoked["authorizer"]!["revoked_at"]);
        Assert.Equal("unauthorized", revoked["events"]![0]!.Str("kind"));
        await Eventually.True(() => subscriber.Received.Any(d => d.Message["event"]?.GetValue<string>() == "unauthorized"), "the subscriber was told");
        var told = subscriber.Received.Single(d => d.Message["event"]!.GetValue<string>() == "unauthorized");
        Assert.Equal("authorization", told.Message.Str("msg_type"));
        Assert.Equal(Merchant, told.Message.Str("from_user_name"));

        // Nothing is refreshed for a revoked grant.
        var calls = await hub.UpstreamCallsAsync(WeChatEndpoints.AuthorizerToken, Platform.Appid);
        hub.Clock.Advance(TimeSpan.FromHours(3));
        await client.GetAsync($"/v1/apps/{Merchant}/access-token").ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(calls, await hub.UpstreamCallsAsync(WeChatEndpoints.AuthorizerToken, Platform.Appid));
    }

    [Fact]
    public async Task After_a_restart_the_stored_ticket_is_used_and_past_its_twelve_hours_WeChat_is_asked_for_a_new_one()
    {
        await using var hub = await HubFixture.StartAsync();
        var platform = await Platform.StartAsync(hub);
        var asked = await hub.UpstreamCallsAsync(WeChatEndpoints.StartPushTicket, Platform.Appid);

        // Down for three hours: the component token expired, the ticket (12 h) did not.
        await hub.RestartServerAsync(downFor: TimeSpan.FromHours(3));
        await platform.ComponentTokenAsync();
        Assert.Equal(2, await hub.UpstreamCallsAsync(WeChatEndpoints.ComponentToken, Platform.Appid));
        Assert.Equal(asked, await hub.UpstreamCallsAsync(WeChatEndpoints.StartPushTicket, Platform.Appid));

        // Down for ten more: no valid ticket is stored, so start-up asks WeChat to push one, and the token follows it.
        await hub.RestartServerAsync(downFor: TimeSpan.FromHours(10));
        await platform.ComponentTokenAsync();
        Assert.Equal(asked + 1, await hub.UpstreamCallsAsync(WeChatEndpoints.StartPushTicket, Platform.Appid));
        Assert.Equal(3, await hub.UpstreamCallsAsync(WeChatEndpoints.ComponentToken, Platform.Appid));
    }

    [Fact]
    public async Task A_refresh_token_WeChat_rotates_is_stored_before_the_new_access_token_is_used()
    {
        await using var hub = await HubFixture.StartAsync();
        var platform = await Platform.StartAsync(hub, rotateRefreshTokens: true);
        await platform.RegisterAccountAsync(Merchant, "Merchant One");
        await platform.AuthorizeByControlAsync(Merchant);
        using var client = await hub.KeyClientAsync(Merchant);
        var first = (await client.AccessTokenAsync(Merchant)).Str("access_token");

        // Into the refresh window: the background refresh gets a new access token and a new refresh token.
        hub.Clock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromMinutes(4));
        await Eventually.True(async () => (await platform.AuthorizerAsync(Merchant))["events"]!.AsArray().Any(e => e!.Str("kind") == "refresh_token_rotated"),
            "the rotated refresh token was recorded");
        await Eventually.True(async () => (await client.AccessTokenAsync(Merchant)).Str("access_token") != first, "the new access token is served");

        // After a restart with everything expired, only the stored (rotated) refresh token works: WeChat retired the first.
        await hub.RestartServerAsync(downFor: TimeSpan.FromHours(3));
        using var after = await hub.KeyClientAsync(Merchant);
        Assert.True(await platform.WeChatTakesAsync((await after.AccessTokenAsync(Merchant)).Str("access_token")));
        Assert.Equal(2, (await platform.AuthorizerAsync(Merchant))["events"]!.AsArray().Count(e => e!.Str("kind") == "refresh_token_rotated"));
    }

    [Fact]
    public async Task A_rotated_refresh_token_whose_answer_never_got_stored_is_recovered_when_WeChat_refuses_the_old_one()
    {
        await using var hub = await HubFixture.StartAsync();
        var platform = await Platform.StartAsync(hub, rotateRefreshTokens: true);
        await platform.RegisterAccountAsync(Merchant, "Merchant One");
        await platform.AuthorizeByControlAsync(Merchant);
        using var client = await hub.KeyClientAsync(Merchant);
        var held = (await client.AccessTokenAsync(Merchant)).Str("access_token");

        // WeChat rotates the refresh token in an answer WxHub never stores (as when the process dies mid-call).
        var componentToken = await platform.ComponentTokenAsync();
        var stored = (await AuthorizerListAsync(hub, componentToken)).Single()!.Str("refresh_token");
        (await hub.EmulatorClient.PostAsJsonAsync($"/cgi-bin/component/api_authorizer_token?component_access_token={componentToken}",
            new { component_appid = Platform.Appid, authorizer_appid = Merchant, authorizer_refresh_token = stored })).EnsureSuccessStatusCode();
        hub.Clock.Advance(TimeSpan.FromMinutes(1));

        var replaced = (await client.InvalidateAsync(Merchant, held).OkAsync()).Str("access_token");

        Assert.True(await platform.WeChatTakesAsync(replaced));
        Assert.Contains((await platform.AuthorizerAsync(Merchant))["events"]!.AsArray(), e => e!.Str("kind") == "refresh_token_recovered");
    }

    [Fact]
    public async Task Component_sync_restores_every_grant_after_the_store_was_lost()
    {
        // The command line runs on the system clock: the shared clock starts now so both agree on what is still valid.
        await using var hub = await HubFixture.StartAsync(clockStart: TimeProvider.System.GetUtcNow());
        var platform = await Platform.StartAsync(hub);
        foreach (var appid in new[] { Merchant, Second })
        {
            await platform.RegisterAccountAsync(appid, appid);
            await platform.AuthorizeByControlAsync(appid);
        }
        var asked = await hub.UpstreamCallsAsync(WeChatEndpoints.StartPushTicket, Platform.Appid);

        // The database is lost; an operator registers the platform again with the command line before the server starts.
        await hub.RestartServerAsync(whileDown: async data =>
        {
            // A stopped process holds no connection; this one's pool would keep the old file alive.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(data, "wxhub.db*")) File.Delete(file);
            var add = await Wxhub(hub, "component", "add", "--component-appid", Platform.Appid, "--secret", Platform.Secret,
                "--token", Platform.Token, "--encoding-aes-key", platform.AesKey);
            Assert.True(add.ExitCode == 0, add.Error);
        });

        // Start-up asks for a ticket and, the store holding no grant, restores them all from WeChat's authorizer list.
        using var client = await hub.KeyClientAsync("component:" + Platform.Appid);
        foreach (var appid in new[] { Merchant, Second })
        {
            await Eventually.True(async () => (await client.GetAsync($"/v1/apps/{appid}/access-token")).StatusCode == HttpStatusCode.OK, $"{appid} is served again");
            Assert.True(await platform.WeChatTakesAsync((await client.AccessTokenAsync(appid)).Str("access_token")));
        }
        Assert.Equal(asked + 1, await hub.UpstreamCallsAsync(WeChatEndpoints.StartPushTicket, Platform.Appid));

        // Checking again changes nothing, from the admin API and from the command line.
        var report = await hub.Admin.PostAsync($"/v1/admin/components/{Platform.Appid}/sync", null).OkAsync();
        Assert.Equal(2, report["unchanged"]!.GetValue<int>());
        var sync = await Wxhub(hub, "component", "sync", Platform.Appid);
        Assert.True(sync.ExitCode == 0, sync.Error);
        Assert.Contains("2 listed by WeChat: 0 added, 0 refresh tokens replaced, 2 unchanged, 0 ended", sync.Output);
        Assert.Contains(Platform.Appid, (await Wxhub(hub, "component", "list")).Output);
    }

    private static async Task<JsonArray> AuthorizerListAsync(HubFixture hub, string componentToken)
    {
        var response = await hub.EmulatorClient.PostAsJsonAsync($"/cgi-bin/component/api_get_authorizer_list?component_access_token={componentToken}",
            new { component_appid = Platform.Appid, offset = 0, count = 100 });
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["list"]!.AsArray();
    }

    /// <summary>The command line on the fixture's data folder, calling the emulator as the server does.</summary>
    private static Task<(int ExitCode, string Output, string Error)> Wxhub(HubFixture hub, params string[] args) =>
        WxhubCli.RunAsync(new Dictionary<string, string> { ["WXHUB_DATA"] = hub.DataPath, ["WXHUB_WECHATAPI"] = hub.Emulator.BaseUrl.ToString() }, args);

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
