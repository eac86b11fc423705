using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using WxHub.Core.WeChat;
using WxHub.Protocol.Crypto;
using WxHub.Protocol.Signatures;
using WxHub.Server.Tests.Attack;
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
        await SecretScan.AssertNotInDatabaseAsync(hub.DataPath,
            [("the authorizer refresh token", refreshToken), ("the platform's AppSecret", Platform.Secret), ("the platform's EncodingAESKey", platform.AesKey), ("the replaced EncodingAESKey", replaced)]);
    }

    [Fact]
    public async Task Updateauthorized_renews_the_grant_with_its_new_scopes_and_unauthorized_ends_it_and_tells_subscribers()
    {
        await using var hub = await HubFixture.StartAsync();
        var platform = await Platform.StartAsync(hub);
        await platform.RegisterAccountAsync(Merchant, "Merchant One");
        await platform.AuthorizeByControlAsync(Merchant, [1, 15]);
        Assert.Equal(new[] { 1, 15 }, Scopes(await platform.AuthorizerAsync(Merchant)));
        await using var subscriber = await SubscriberServer.StartAsync();
        await SubscribeAsync(hub, new { url = subscriber.Url, secret = SubscriberServer.Secret, events = new[] { "authorization" } });
        using var client = await hub.KeyClientAsync(Merchant);
        var first = (await client.AccessTokenAsync(Merchant)).Str("access_token");

        // The administrator changes what the platform may do: more function sets, one withdrawn.
        await platform.AuthorizeByControlAsync(Merchant, [2, 3, 15]);
        var renewed = await platform.AuthorizerAsync(Merchant);
        Assert.Equal("updateauthorized", renewed["events"]![0]!.Str("kind"));
        Assert.Equal(new[] { 2, 3, 15 }, Scopes(renewed));
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
        await platform.AddAuthorizerAsync(Merchant, "Merchant One");
        var asked = await hub.UpstreamCallsAsync(WeChatEndpoints.StartPushTicket, Platform.Appid);

        // Down for a minute: start-up fetches nothing still valid, and the stored tokens are served.
        await hub.RestartServerAsync(downFor: TimeSpan.FromMinutes(1));
        using (var client = await hub.KeyClientAsync(Merchant))
            Assert.True(await platform.WeChatTakesAsync((await client.AccessTokenAsync(Merchant)).Str("access_token")));
        await platform.ComponentTokenAsync();
        Assert.Equal(1, await hub.UpstreamCallsAsync(WeChatEndpoints.ComponentToken, Platform.Appid));
        Assert.Equal(0, await hub.UpstreamCallsAsync(WeChatEndpoints.AuthorizerToken, Platform.Appid));
        Assert.Equal(asked, await hub.UpstreamCallsAsync(WeChatEndpoints.StartPushTicket, Platform.Appid));

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
        await platform.AddAuthorizerAsync(Merchant, "Merchant One");
        using var client = await hub.KeyClientAsync(Merchant);
        var first = (await client.AccessTokenAsync(Merchant)).Str("access_token");

        // Into the refresh window: the background refresh gets a new access token and a new refresh token.
        // The moment the new access token is served, the rotated refresh token (and its audit event) is already stored.
        hub.Clock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromMinutes(4));
        await Eventually.True(async () => (await client.AccessTokenAsync(Merchant)).Str("access_token") != first, "the new access token is served");
        await Eventually.True(async () => await hub.UpstreamCallsAsync(WeChatEndpoints.ComponentToken, Platform.Appid) == 2, "the component token was refreshed ahead of its expiry");
        Assert.Contains((await platform.AuthorizerAsync(Merchant))["events"]!.AsArray(), e => e!.Str("kind") == "refresh_token_rotated");

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
            await platform.AddAuthorizerAsync(appid, appid);
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

    [Fact]
    public async Task The_administrator_on_a_phone_is_sent_to_the_page_that_opens_inside_WeChat()
    {
        await using var hub = await HubFixture.StartAsync();
        var platform = await Platform.StartAsync(hub);
        await platform.RegisterAccountAsync(Merchant, "Merchant One");

        // Chosen by the user agent, unless the business asks for one or the other.
        var result = await platform.AuthorizeThroughThePagesAsync(Merchant, phone: true);
        Assert.Equal((Merchant, "authorized"), (result["authorizer_appid"], result["status"]));
        using var phone = Platform.Browser(Platform.PhoneUserAgent);
        using var desktop = Platform.Browser(Platform.DesktopUserAgent);
        const string business = "redirect=https%3A%2F%2Fshop.example.com%2Fdone";
        var mobilePage = await platform.AuthorizationPageAsync(phone, business + "&biz_appid=" + Second);
        Assert.Equal("/wxaopen/safe/bindcomponent", mobilePage.AbsolutePath);
        Assert.Equal("#wechat_redirect", mobilePage.Fragment);
        Assert.Contains("biz_appid=" + Second, mobilePage.Query);
        Assert.Equal("/cgi-bin/componentloginpage", (await platform.AuthorizationPageAsync(phone, business + "&mobile=0")).AbsolutePath);
        Assert.Equal("/wxaopen/safe/bindcomponent", (await platform.AuthorizationPageAsync(desktop, business + "&mobile=1")).AbsolutePath);

        var refused = await desktop.GetAsync(new Uri(hub.Server.Address, $"/wechat/component/{Platform.Appid}/authorize?redirect=javascript:alert(1)"))
            .ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_redirect", refused.Str("error"));
    }

    [Fact]
    public async Task Deliveries_of_one_authorization_code_arriving_together_share_one_exchange()
    {
        await using var hub = await HubFixture.StartAsync();
        var platform = await Platform.StartAsync(hub);
        await platform.RegisterAccountAsync(Merchant, "Merchant One");
        using var browser = Platform.Browser(Platform.DesktopUserAgent);
        var back = await platform.ApproveOnThePageAsync(browser, Merchant);

        // WeChat's push is on its way with the code; the browser comes back several times at once (reloads, double clicks).
        // WeChat takes a code once: every delivery must get the one exchange's result.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Platform.ReturnToWxHubAsync(browser, back)));
        Assert.All(results, result => Assert.True(result.GetValueOrDefault("status") == "authorized", string.Join("&", result.Select(p => $"{p.Key}={p.Value}"))));
        Assert.Equal(1, await hub.UpstreamCallsAsync(WeChatEndpoints.QueryAuth, Platform.Appid));
    }

    [Fact]
    public async Task An_authorizer_s_messages_come_to_the_platform_s_URL_and_reach_the_account_s_subscribers_once()
    {
        await using var hub = await HubFixture.StartAsync();
        var platform = await Platform.StartAsync(hub);
        await platform.AddAuthorizerAsync(Merchant, "Merchant One");
        await using var subscriber = await SubscriberServer.StartAsync();
        subscriber.Respond = d => Task.FromResult(SubscriberServer.Reply(new { type = "text", content = "re: " + d.Message["fields"]!["Content"] }));
        await SubscribeAsync(hub, new { url = subscriber.Url, secret = SubscriberServer.Secret, mode = "sync" });
        var openid = await hub.FollowerAsync(Merchant);

        // WeChat's check of the URL ($APPID$ filled in) is signed with the platform's Token.
        var timestamp = hub.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = CallbackSignature.Compute(Platform.Token, timestamp, "n0nce");
        var url = $"/wechat/component/{Platform.Appid}/callback/{Merchant}?signature={signature}&timestamp={timestamp}&nonce=n0nce";
        Assert.Equal("echo-42", await hub.Server.Client.GetStringAsync(url + "&echostr=echo-42"));
        // Another account's messages are not taken on this platform's behalf.
        Assert.Equal(HttpStatusCode.NotFound, (await hub.Server.Client.GetAsync($"/wechat/component/{Platform.Appid}/callback/{Second}?signature={signature}&timestamp={timestamp}&nonce=n0nce&echostr=e")).StatusCode);

        // The same message pushed twice (WeChat's retry): encrypted with the platform's key, delivered once, the reply sealed for WeChat.
        var xml = $"<xml><ToUserName><![CDATA[gh_merchant]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{timestamp}</CreateTime>"
            + "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[ping]]></Content><MsgId>4242424242424242</MsgId></xml>";
        var first = await hub.EmulatorClient.PostAsJsonAsync($"/__emulator/apps/{Merchant}/push", new { xml }).OkAsync();
        Assert.Equal("replied", first.Str("status"));
        Assert.True(first["reply_valid"]!.GetValue<bool>(), first.ToJsonString());
        Assert.Contains("re: ping", first.Str("reply"));
        var again = await hub.EmulatorClient.PostAsJsonAsync($"/__emulator/apps/{Merchant}/push", new { xml }).OkAsync();
        Assert.True(again["reply_valid"]!.GetValue<bool>(), again.ToJsonString());
        var log = JsonNode.Parse(await hub.EmulatorClient.GetStringAsync($"/__emulator/pushes?target={Merchant}&kind=message"))!["pushes"]!.AsArray();
        Assert.All(log, p => Assert.Equal(new Uri(hub.Server.Address, $"/wechat/component/{Platform.Appid}/callback/{Merchant}").AbsolutePath, new Uri(p!.Str("url")).AbsolutePath));
        var delivery = Assert.Single(subscriber.Received);
        Assert.Equal(Merchant, delivery.Json.Str("appid"));
        Assert.Equal("4242424242424242", delivery.Message.Str("msg_id"));
        Assert.Equal("safe", delivery.Message.Str("encryption"));
        Assert.True(delivery.IsSignedWith(SubscriberServer.Secret));

        // Once the account revokes the platform, its messages are no longer taken.
        await platform.UnauthorizeByControlAsync(Merchant);
        Assert.Equal(HttpStatusCode.NotFound, (await hub.Server.Client.GetAsync(url + "&echostr=echo-43")).StatusCode);
    }

    [Fact]
    public async Task The_authorizer_list_pages_by_appid_and_filters_by_status()
    {
        await using var hub = await HubFixture.StartAsync();
        var platform = await Platform.StartAsync(hub);
        var appids = Enumerable.Range(1, 5).Select(i => $"wxmerchant0000010{i}").ToArray();
        foreach (var appid in appids)
        {
            await platform.AddAuthorizerAsync(appid, appid);
        }
        await platform.UnauthorizeByControlAsync(appids[2]);
        using var client = await hub.KeyClientAsync("component:" + Platform.Appid);

        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await client.GetAsync($"/v1/components/{Platform.Appid}/authorizers?status=authorized&limit=2{(after is null ? "" : "&after=" + after)}").OkAsync();
            Assert.Equal(4, page["total"]!.GetValue<int>());
            seen.AddRange(page["authorizers"]!.AsArray().Select(a => a!.Str("appid")));
            after = page["next"]?.GetValue<string>();
        } while (after is not null);
        Assert.Equal(appids.Where((_, i) => i != 2), seen);
        var revoked = await client.GetAsync($"/v1/components/{Platform.Appid}/authorizers?status=revoked").OkAsync();
        Assert.Equal(appids[2], revoked["authorizers"]!.AsArray().Single()!.Str("appid"));

        Assert.Equal("invalid_limit", (await client.GetAsync($"/v1/components/{Platform.Appid}/authorizers?limit=0").ErrorAsync(HttpStatusCode.BadRequest)).Str("error"));
        Assert.Equal("invalid_status", (await client.GetAsync($"/v1/components/{Platform.Appid}/authorizers?status=gone").ErrorAsync(HttpStatusCode.BadRequest)).Str("error"));
        Assert.Equal("authorizer_not_found", (await client.GetAsync($"/v1/components/{Platform.Appid}/authorizers/wxnobody").ErrorAsync(HttpStatusCode.NotFound)).Str("error"));
    }

    [Fact]
    public async Task Bad_registrations_forged_pushes_and_a_refused_authorization_get_a_code_and_a_message()
    {
        await using var hub = await HubFixture.StartAsync();
        var platform = await Platform.StartAsync(hub);

        foreach (var (body, error) in new (object Body, string Error)[]
        {
            (new { component_appid = "wx comp", secret = "s", token = "tok123", encoding_aes_key = platform.AesKey }, "invalid_component_appid"),
            (new { component_appid = "wxcomp2", token = "tok123", encoding_aes_key = platform.AesKey }, "invalid_secret"),
            (new { component_appid = "wxcomp2", secret = "s", token = "t", encoding_aes_key = platform.AesKey }, "invalid_token"),
            (new { component_appid = "wxcomp2", secret = "s", token = "tok123", encoding_aes_key = "short" }, "invalid_encoding_aes_key"),
        })
            Assert.Equal(error, (await hub.Admin.PostAsJsonAsync("/v1/admin/components", body).ErrorAsync(HttpStatusCode.BadRequest)).Str("error"));
        var duplicate = await hub.Admin.PostAsJsonAsync("/v1/admin/components",
            new { component_appid = Platform.Appid, secret = "s", token = "tok123", encoding_aes_key = platform.AesKey }).ErrorAsync(HttpStatusCode.Conflict);
        Assert.Equal("component_exists", duplicate.Str("error"));
        var listed = await hub.Admin.GetStringAsync("/v1/admin/components");
        Assert.Contains($"/wechat/component/{Platform.Appid}/events", listed);
        Assert.DoesNotContain(Platform.Secret, listed);
        Assert.DoesNotContain(platform.AesKey, listed);

        // System pushes: sealed with another key, addressed to another platform, unsigned or unencrypted, or for no platform.
        var ticket = $"<xml><AppId>{Platform.Appid}</AppId><CreateTime>1</CreateTime><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>ticket@@@forged</ComponentVerifyTicket></xml>";
        Assert.Equal("decryption_failed", (await PushEventAsync(hub, Platform.Appid, MessageCrypto.Encrypt(EncodingAesKey.Generate(), Platform.Appid, ticket))).Error);
        Assert.Equal("receiver_id_mismatch", (await PushEventAsync(hub, Platform.Appid, MessageCrypto.Encrypt(EncodingAesKey.Parse(platform.AesKey), "wxothercomponent01", ticket))).Error);
        Assert.Equal("invalid_msg_signature", (await PushEventAsync(hub, Platform.Appid, MessageCrypto.Encrypt(EncodingAesKey.Parse(platform.AesKey), Platform.Appid, ticket), forgeSignature: true)).Error);
        Assert.Equal("encryption_required", (await PushEventAsync(hub, Platform.Appid, "x", encrypted: false)).Error);
        Assert.Equal("app_not_found", (await PushEventAsync(hub, "wxnoplatform00001", "x")).Error);

        // The administrator refuses on WeChat's page: the business page hears so.
        await platform.RegisterAccountAsync(Merchant, "Merchant One");
        using var browser = Platform.Browser(Platform.DesktopUserAgent);
        var page = await platform.AuthorizationPageAsync(browser, "redirect=https%3A%2F%2Fshop.example.com%2Fdone");
        using var declined = await browser.GetAsync(page.GetLeftPart(UriPartial.Query) + "&emulator_approve=0");
        using var back = await browser.GetAsync(declined.Headers.Location!);
        Assert.Equal("https://shop.example.com/done?error=access_denied", back.Headers.Location!.GetLeftPart(UriPartial.Query).Split('&')[0]);
        var direct = await browser.GetAsync(new Uri(hub.Server.Address, $"/wechat/component/{Platform.Appid}/authorized")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("missing_auth_code", direct.Str("error"));
    }

    /// <summary>A system push to the platform's event URL, signed with its Token; returns the HTTP status and WxHub's error code.</summary>
    private static async Task<(HttpStatusCode Status, string? Error)> PushEventAsync(HubFixture hub, string componentAppid, string encrypt, bool encrypted = true, bool forgeSignature = false)
    {
        var timestamp = hub.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        const string nonce = "n0nce";
        var signature = CallbackSignature.Compute(Platform.Token, timestamp, nonce);
        var msgSignature = forgeSignature ? signature : CallbackSignature.ComputeForMessage(Platform.Token, timestamp, nonce, encrypt);
        var query = $"signature={signature}&timestamp={timestamp}&nonce={nonce}" + (encrypted ? $"&encrypt_type=aes&msg_signature={msgSignature}" : "");
        using var response = await hub.Server.Client.PostAsync($"/wechat/component/{componentAppid}/events?{query}",
            new StringContent($"<xml><AppId><![CDATA[{componentAppid}]]></AppId><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>", Encoding.UTF8, "text/xml"));
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}");
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]?.GetValue<string>());
    }

    private static async Task SubscribeAsync(HubFixture hub, object subscription) =>
        Assert.Equal(HttpStatusCode.Created, (await hub.Admin.PostAsJsonAsync($"/v1/admin/apps/{Merchant}/subscribers", subscription)).StatusCode);

    private static async Task<JsonArray> AuthorizerListAsync(HubFixture hub, string componentToken)
    {
        var response = await hub.EmulatorClient.PostAsJsonAsync($"/cgi-bin/component/api_get_authorizer_list?component_access_token={componentToken}",
            new { component_appid = Platform.Appid, offset = 0, count = 100 });
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["list"]!.AsArray();
    }

    /// <summary>The command line on the fixture's data folder, calling the emulator as the server does.</summary>
    private static Task<(int ExitCode, string Output, string Error)> Wxhub(HubFixture hub, params string[] args) =>
        WxhubCli.RunAsync(new Dictionary<string, string> { ["WXHUB_DATA"] = hub.DataPath, ["WXHUB_WECHATAPI"] = hub.Emulator.BaseUrl.ToString() }, args);

    private static int[] Scopes(JsonNode authorizer) => [.. authorizer["authorizer"]!["scopes"]!.AsArray().Select(scope => scope!.GetValue<int>())];
}
