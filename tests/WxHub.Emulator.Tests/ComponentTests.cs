using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using WxHub.Protocol.Crypto;
using WxHub.Protocol.Messages;
using WxHub.Protocol.Signatures;
using WxHub.Testing;
using static WxHub.Emulator.Tests.WeChatAssert;

namespace WxHub.Emulator.Tests;

public sealed class ComponentTests : IAsyncLifetime
{
    private const string ComponentAppId = "wxcomponent";
    private const string ComponentSecret = "fedcba9876543210fedcba9876543210";
    private const string Token = "platformtoken";
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private static readonly EncodingAesKey Key = EncodingAesKey.Generate();
    private EmulatorHarness _wx = null!;
    private Receiver _platform = null!;

    public async Task InitializeAsync()
    {
        _wx = await EmulatorHarness.StartAsync();
        // The platform's server: system pushes on /events, browsers back on /auth/back, authorizers' messages on /messages/{appid}.
        _platform = await Receiver.StartAsync((request, http) =>
            http.Response.WriteAsync(request.Path switch
            {
                "/events" => "success",
                "/auth/back" => "authorized, thanks",
                _ => "", // an authorizer's message: safe mode, so an empty body acknowledges it
            }));
        await _wx.RegisterAppAsync(new { appid = "wxoa", secret = Secret, type = "official_account", name = "Our Account" });
        await _wx.RegisterAppAsync(new { appid = "wxmp", secret = Secret, type = "mini_program" });
    }

    public async Task DisposeAsync()
    {
        await _wx.DisposeAsync();
        await _platform.DisposeAsync();
    }

    private Task<JsonElement> RegisterComponentAsync(int? ticketIntervalSeconds = null) =>
        _wx.ControlAsync(HttpMethod.Post, "/__emulator/components", new
        {
            component_appid = ComponentAppId, secret = ComponentSecret, token = Token, encoding_aes_key = Key.Value,
            event_url = _platform.Url("/events").ToString(), message_url = _platform.Url("/messages/$APPID$").ToString(),
            ticket_interval_seconds = ticketIntervalSeconds,
        });

    /// <summary>The system pushes the platform received so far, checked and decrypted as a platform must.</summary>
    private List<ComponentNotification> Notifications() => _platform.On("/events").Select(request =>
    {
        var envelope = EncryptedEnvelope.Parse(request.Body).Value!;
        Assert.Equal(ComponentAppId, envelope.AppId);
        Assert.True(CallbackSignature.VerifyForMessage(request.Query["msg_signature"], Token, request.Query["timestamp"], request.Query["nonce"], envelope.Encrypt));
        var opened = MessageCrypto.Decrypt(envelope.Encrypt, ComponentAppId, Key);
        Assert.True(opened.Succeeded);
        return ComponentNotification.Parse(opened.Message!).Value!;
    }).ToList();

    private List<string> Tickets() => Notifications().OfType<ComponentVerifyTicket>().Select(t => t.Ticket).ToList();

    /// <summary>
    /// Waits until the emulator has finished delivering this many ticket pushes. A test must not move the clock past
    /// the push timeout while a push is in flight, or the emulator would time it out and deliver it again.
    /// </summary>
    private async Task TicketsDeliveredAsync(int count)
    {
        await Eventually.True(async () =>
            (await _wx.ControlAsync(HttpMethod.Get, $"/__emulator/pushes?target={ComponentAppId}&kind=component_verify_ticket")).GetProperty("pushes").GetArrayLength() == count,
            $"{count} ticket pushes delivered");
        Assert.Equal(count, Tickets().Count);
    }

    private async Task<string> LatestTicketAsync() =>
        String(await _wx.ControlAsync(HttpMethod.Get, $"/__emulator/components/{ComponentAppId}"), "latest_ticket");

    private async Task<string> ComponentTokenAsync()
    {
        await TicketsDeliveredAsync(1);
        var body = await _wx.PostJsonAsync("/cgi-bin/component/api_component_token", new
        {
            component_appid = ComponentAppId, component_appsecret = ComponentSecret, component_verify_ticket = Tickets()[^1],
        });
        return String(body, "component_access_token");
    }

    [Fact]
    public async Task Tickets_are_pushed_at_once_and_then_every_ten_minutes()
    {
        await RegisterComponentAsync();
        await TicketsDeliveredAsync(1);
        var first = await LatestTicketAsync();

        _wx.Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.Equal(first, await LatestTicketAsync());
        _wx.Clock.Advance(TimeSpan.FromSeconds(1));
        await TicketsDeliveredAsync(2);

        _wx.Clock.Advance(TimeSpan.FromMinutes(20));
        await TicketsDeliveredAsync(4);
        Assert.Equal(await LatestTicketAsync(), Tickets()[^1]);
        Assert.Equal(4, Tickets().Distinct().Count());
        var log = await _wx.ControlAsync(HttpMethod.Get, $"/__emulator/pushes?target={ComponentAppId}&kind=component_verify_ticket");
        Assert.All(log.GetProperty("pushes").EnumerateArray(), p => Assert.Equal("acknowledged", String(p, "status")));
    }

    [Fact]
    public async Task The_ticket_interval_can_be_set_and_api_start_push_ticket_pushes_at_once()
    {
        await RegisterComponentAsync(ticketIntervalSeconds: 60);
        await TicketsDeliveredAsync(1);
        _wx.Clock.Advance(TimeSpan.FromSeconds(60));
        await TicketsDeliveredAsync(2);

        Ok(await _wx.PostJsonAsync("/cgi-bin/component/api_start_push_ticket", new { component_appid = ComponentAppId, component_secret = ComponentSecret }));
        await TicketsDeliveredAsync(3);
        Error(40013, await _wx.PostJsonAsync("/cgi-bin/component/api_start_push_ticket", new { component_appid = "wxnope", component_secret = ComponentSecret }));
    }

    [Fact]
    public async Task A_control_clock_jump_catches_up_with_one_ticket()
    {
        await RegisterComponentAsync();
        await TicketsDeliveredAsync(1);

        await _wx.ControlAsync(HttpMethod.Post, "/__emulator/clock", new { advance_seconds = 3600 });

        await TicketsDeliveredAsync(2);
    }

    [Fact]
    public async Task The_component_token_needs_a_ticket_pushed_in_the_last_twelve_hours()
    {
        await RegisterComponentAsync();
        await TicketsDeliveredAsync(1);
        var old = Tickets()[0];
        var request = (string ticket) => _wx.PostJsonAsync("/cgi-bin/component/api_component_token", new
        {
            component_appid = ComponentAppId, component_appsecret = ComponentSecret, component_verify_ticket = ticket,
        });

        var token = await request(old);
        Assert.False(token.TryGetProperty("errcode", out _));
        Assert.Equal(7200, Int(token, "expires_in"));
        Error(61006, await request("ticket@@@made-up"));

        _wx.Clock.Advance(TimeSpan.FromHours(12));
        Error(61005, await request(old));
        Ok(await request(await LatestTicketAsync()));
        Error(61024, await _wx.GetJsonAsync($"/cgi-bin/token?grant_type=client_credential&appid={ComponentAppId}&secret={ComponentSecret}"));
    }

    [Fact]
    public async Task The_full_authorization_flow_runs_from_the_approve_page()
    {
        await RegisterComponentAsync();
        var componentToken = await ComponentTokenAsync();
        var preAuth = await _wx.PostJsonAsync($"/cgi-bin/component/api_create_preauthcode?component_access_token={componentToken}", new { component_appid = ComponentAppId });
        Assert.Equal(600, Int(preAuth, "expires_in"));
        var page = $"/cgi-bin/componentloginpage?component_appid={ComponentAppId}&pre_auth_code={Uri.EscapeDataString(String(preAuth, "pre_auth_code"))}"
            + $"&redirect_uri={Uri.EscapeDataString(_platform.Url("/auth/back").ToString())}&auth_type=1";

        var form = await _wx.Client.GetStringAsync(page);
        Assert.Contains("Our Account", form);
        Assert.Contains("name=\"emulator_approve\"", form);

        // A plain HTTP client approving and following the redirect back to the platform.
        using var browser = new HttpClient { BaseAddress = _wx.Emulator.BaseUrl };
        using var landed = await browser.GetAsync(page + "&emulator_approve=1&emulator_user=admin");
        Assert.Equal("authorized, thanks", await landed.Content.ReadAsStringAsync());
        var back = QueryHelpers.ParseQuery(Assert.Single(_platform.On("/auth/back")).Query.Aggregate("?", (q, p) => $"{q}{p.Key}={Uri.EscapeDataString(p.Value)}&"));
        var authCode = back["auth_code"].ToString();
        Assert.Equal("600", back["expires_in"].ToString());

        await Eventually.True(() => Notifications().OfType<AuthorizationNotification>().Any(), "the authorized event was pushed");
        var authorized = Notifications().OfType<AuthorizationNotification>().Single();
        Assert.Equal("authorized", authorized.InfoType);
        Assert.Equal("wxoa", authorized.AuthorizerAppid);
        Assert.Equal(authCode, authorized.AuthorizationCode);

        var auth = (await _wx.PostJsonAsync($"/cgi-bin/component/api_query_auth?component_access_token={componentToken}",
            new { component_appid = ComponentAppId, authorization_code = authCode })).GetProperty("authorization_info");
        Assert.Equal("wxoa", String(auth, "authorizer_appid"));
        Assert.NotEmpty(auth.GetProperty("func_info").EnumerateArray());
        Ok(await _wx.GetJsonAsync($"/cgi-bin/getcallbackip?access_token={String(auth, "authorizer_access_token")}"));
        Error(61010, await _wx.PostJsonAsync($"/cgi-bin/component/api_query_auth?component_access_token={componentToken}",
            new { component_appid = ComponentAppId, authorization_code = authCode }));

        var refreshed = await _wx.PostJsonAsync($"/cgi-bin/component/api_authorizer_token?component_access_token={componentToken}", new
        {
            component_appid = ComponentAppId, authorizer_appid = "wxoa", authorizer_refresh_token = String(auth, "authorizer_refresh_token"),
        });
        Assert.Equal(String(auth, "authorizer_refresh_token"), String(refreshed, "authorizer_refresh_token"));
        Assert.NotEqual(String(auth, "authorizer_access_token"), String(refreshed, "authorizer_access_token"));
        Error(61023, await _wx.PostJsonAsync($"/cgi-bin/component/api_authorizer_token?component_access_token={componentToken}", new
        {
            component_appid = ComponentAppId, authorizer_appid = "wxoa", authorizer_refresh_token = "wrong",
        }));

        var info = await _wx.PostJsonAsync($"/cgi-bin/component/api_get_authorizer_info?component_access_token={componentToken}",
            new { component_appid = ComponentAppId, authorizer_appid = "wxoa" });
        Assert.Equal("Our Account", String(info.GetProperty("authorizer_info"), "nick_name"));
        Assert.StartsWith("gh_", String(info.GetProperty("authorizer_info"), "user_name"));
        var list = await _wx.PostJsonAsync($"/cgi-bin/component/api_get_authorizer_list?component_access_token={componentToken}",
            new { component_appid = ComponentAppId, offset = 0, count = 100 });
        Assert.Equal(1, Int(list, "total_count"));
        Error(40170, await _wx.PostJsonAsync($"/cgi-bin/component/api_get_authorizer_list?component_access_token={componentToken}",
            new { component_appid = ComponentAppId, offset = 0, count = 501 }));

        using var reused = await browser.GetAsync(page + "&emulator_approve=1");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, reused.StatusCode);
    }

    [Fact]
    public async Task Authorizing_again_pushes_updateauthorized_and_revoking_pushes_unauthorized_and_ends_the_tokens()
    {
        await RegisterComponentAsync();
        var componentToken = await ComponentTokenAsync();

        var first = await _wx.ControlAsync(HttpMethod.Post, $"/__emulator/components/{ComponentAppId}/authorize", new { appid = "wxmp" });
        Assert.Equal("acknowledged", String(first.GetProperty("push"), "status"));
        var auth = (await _wx.PostJsonAsync($"/cgi-bin/component/api_query_auth?component_access_token={componentToken}",
            new { component_appid = ComponentAppId, authorization_code = String(first, "authorization_code") })).GetProperty("authorization_info");
        Assert.Equal(14, auth.GetProperty("func_info").GetArrayLength()); // no function sets named: all of them
        using (var empty = await _wx.Client.PostAsJsonAsync($"/__emulator/components/{ComponentAppId}/authorize", new { appid = "wxmp", func_scopes = Array.Empty<int>() }))
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, empty.StatusCode);
        await _wx.ControlAsync(HttpMethod.Post, $"/__emulator/components/{ComponentAppId}/authorize", new { appid = "wxmp", func_scopes = new[] { 15, 1 } });
        Error(61023, await _wx.PostJsonAsync($"/cgi-bin/component/api_authorizer_token?component_access_token={componentToken}", new
        {
            component_appid = ComponentAppId, authorizer_appid = "wxmp", authorizer_refresh_token = String(auth, "authorizer_refresh_token"),
        }));
        var updated = (await _wx.PostJsonAsync($"/cgi-bin/component/api_get_authorizer_info?component_access_token={componentToken}",
            new { component_appid = ComponentAppId, authorizer_appid = "wxmp" })).GetProperty("authorization_info");
        Assert.Equal([1, 15], updated.GetProperty("func_info").EnumerateArray().Select(f => f.GetProperty("funcscope_category").GetProperty("id").GetInt32()));

        var revoked = await _wx.ControlAsync(HttpMethod.Post, $"/__emulator/components/{ComponentAppId}/unauthorize", new { appid = "wxmp" });
        Assert.Equal("acknowledged", String(revoked.GetProperty("push"), "status"));
        Assert.Equal(["authorized", "updateauthorized", "unauthorized"], Notifications().OfType<AuthorizationNotification>().Select(n => n.InfoType));
        Error(40001, await _wx.GetJsonAsync($"/cgi-bin/getcallbackip?access_token={String(auth, "authorizer_access_token")}"));
        Error(61003, await _wx.PostJsonAsync($"/cgi-bin/component/api_get_authorizer_info?component_access_token={componentToken}",
            new { component_appid = ComponentAppId, authorizer_appid = "wxmp" }));
    }

    [Fact]
    public async Task A_component_token_clears_the_platforms_quota_or_an_authorizers_and_no_one_elses()
    {
        await RegisterComponentAsync();
        var componentToken = await ComponentTokenAsync();
        await _wx.ControlAsync(HttpMethod.Post, $"/__emulator/components/{ComponentAppId}/authorize", new { appid = "wxoa" });

        Ok(await _wx.PostJsonAsync($"/cgi-bin/clear_quota?access_token={componentToken}", new { appid = ComponentAppId }));
        Ok(await _wx.PostJsonAsync($"/cgi-bin/clear_quota?access_token={componentToken}", new { appid = "wxoa" }));
        Error(40013, await _wx.PostJsonAsync($"/cgi-bin/clear_quota?access_token={componentToken}", new { appid = "wxmp" }));
        Ok(await _wx.PostJsonAsync("/cgi-bin/component/clear_quota/v2", new { component_appid = ComponentAppId, appsecret = ComponentSecret, appid = "wxoa" }));
        Error(61003, await _wx.PostJsonAsync("/cgi-bin/component/clear_quota/v2", new { component_appid = ComponentAppId, appsecret = ComponentSecret, appid = "wxmp" }));
    }

    [Fact]
    public async Task A_platform_signs_users_in_for_an_authorizer_and_receives_its_messages()
    {
        await RegisterComponentAsync();
        var componentToken = await ComponentTokenAsync();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _wx.Emulator.BaseUrl };
        var authorize = $"/connect/oauth2/authorize?appid=wxoa&redirect_uri={Uri.EscapeDataString("https://platform.example/back")}&response_type=code&scope=snsapi_base&state=x&component_appid={ComponentAppId}&emulator_approve=1&emulator_user=u1";

        using (var refused = await browser.GetAsync(authorize))
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        await _wx.ControlAsync(HttpMethod.Post, $"/__emulator/components/{ComponentAppId}/authorize", new { appid = "wxoa" });
        using var redirect = await browser.GetAsync(authorize);
        var back = QueryHelpers.ParseQuery(redirect.Headers.Location!.Query);
        Assert.Equal("wxoa", back["appid"].ToString());

        var url = $"/sns/oauth2/component/access_token?appid=wxoa&code={back["code"]}&grant_type=authorization_code&component_appid={ComponentAppId}&component_access_token={componentToken}";
        Error(40029, await _wx.GetJsonAsync($"/sns/oauth2/access_token?appid=wxoa&secret={Secret}&code={back["code"]}&grant_type=authorization_code"));
        var user = await _wx.GetJsonAsync(url);
        Assert.Equal(String((await _wx.ControlAsync(HttpMethod.Get, "/__emulator/users/u1")).GetProperty("openids"), "wxoa"), String(user, "openid"));

        var pushed = await _wx.ControlAsync(HttpMethod.Post, "/__emulator/apps/wxoa/push", new { msg_type = "text", from = String(user, "openid"), content = "to the platform" });
        Assert.Equal("acknowledged", String(pushed, "status"));
        var message = Assert.Single(_platform.On("/messages/wxoa"));
        var opened = MessageCrypto.Decrypt(EncryptedEnvelope.Parse(message.Body).Value!.Encrypt, ComponentAppId, Key);
        Assert.Contains("to the platform", opened.Message);
    }
}
