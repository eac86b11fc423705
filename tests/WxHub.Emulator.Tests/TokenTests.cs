using System.Text.Json;
using WxHub.Testing;
using static WxHub.Emulator.Tests.WeChatAssert;

namespace WxHub.Emulator.Tests;

public sealed class TokenTests : IAsyncLifetime
{
    private const string AppId = "wx0000000000000001";
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private EmulatorHarness _wx = null!;

    public async Task InitializeAsync()
    {
        _wx = await EmulatorHarness.StartAsync();
        await _wx.RegisterAppAsync(new { appid = AppId, secret = Secret, type = "official_account" });
    }

    public async Task DisposeAsync() => await _wx.DisposeAsync();

    private Task<JsonElement> ClassicAsync(string secret = Secret, string appid = AppId) =>
        _wx.GetJsonAsync($"/cgi-bin/token?grant_type=client_credential&appid={appid}&secret={secret}");

    private Task<JsonElement> StableAsync(bool force = false) =>
        _wx.PostJsonAsync("/cgi-bin/stable_token", new { grant_type = "client_credential", appid = AppId, secret = Secret, force_refresh = force });

    private async Task<int> UseAsync(string token) => ErrCode(await _wx.GetJsonAsync($"/cgi-bin/getcallbackip?access_token={token}"));

    private void Advance(double seconds) => _wx.Clock.Advance(TimeSpan.FromSeconds(seconds));

    [Fact]
    public async Task Token_success_has_no_errcode_and_a_two_hour_lifetime()
    {
        var body = await ClassicAsync();

        Assert.False(body.TryGetProperty("errcode", out _));
        Assert.Equal(7200, Int(body, "expires_in"));
        Assert.InRange(String(body, "access_token").Length, 64, 512);
        Assert.Equal(0, await UseAsync(String(body, "access_token")));
    }

    [Fact]
    public async Task Each_token_call_replaces_the_previous_token_which_works_for_five_more_minutes()
    {
        var first = String(await ClassicAsync(), "access_token");
        var second = String(await ClassicAsync(), "access_token");
        Assert.NotEqual(first, second);

        Advance(299);
        Assert.Equal(0, await UseAsync(first));
        Advance(1);
        Assert.Equal(40001, await UseAsync(first));
        Assert.Equal(0, await UseAsync(second));
    }

    [Fact]
    public async Task A_third_token_ends_the_first_at_once()
    {
        var first = String(await ClassicAsync(), "access_token");
        var second = String(await ClassicAsync(), "access_token");
        var third = String(await ClassicAsync(), "access_token");

        Assert.Equal(40001, await UseAsync(first));
        Assert.Equal(0, await UseAsync(second));
        Assert.Equal(0, await UseAsync(third));
    }

    [Fact]
    public async Task A_token_past_its_lifetime_gives_42001_garbage_gives_40014_and_none_gives_41001()
    {
        var token = String(await ClassicAsync(), "access_token");
        Advance(7200);

        Error(42001, await _wx.GetJsonAsync($"/cgi-bin/getcallbackip?access_token={token}"));
        Error(40014, await _wx.GetJsonAsync("/cgi-bin/getcallbackip?access_token=not-a-token"));
        Error(41001, await _wx.GetJsonAsync("/cgi-bin/getcallbackip"));
    }

    [Theory]
    [InlineData("grant_type=client_credential&appid=wxnope&secret=" + Secret, 40013)]
    [InlineData("grant_type=client_credential&appid=" + AppId + "&secret=wrong", 40125)]
    [InlineData("grant_type=client_credential&appid=" + AppId + "&secret=ffffffffffffffffffffffffffffffff", 40001)]
    [InlineData("grant_type=client_credential&secret=" + Secret, 41002)]
    [InlineData("grant_type=client_credential&appid=" + AppId, 41004)]
    [InlineData("grant_type=password&appid=" + AppId + "&secret=" + Secret, 40002)]
    public async Task Token_rejects_bad_credentials_with_wechats_codes(string query, int errcode)
    {
        Error(errcode, await _wx.GetJsonAsync("/cgi-bin/token?" + query));
    }

    [Fact]
    public async Task Stable_token_returns_the_same_token_until_its_last_five_minutes_then_rotates_with_overlap()
    {
        var first = await StableAsync();
        Assert.False(first.TryGetProperty("errcode", out _));
        Assert.Equal(7200, Int(first, "expires_in"));

        Advance(1000);
        var again = await StableAsync();
        Assert.Equal(String(first, "access_token"), String(again, "access_token"));
        Assert.Equal(6200, Int(again, "expires_in"));

        Advance(7200 - 1000 - 300 - 1);
        Assert.Equal(String(first, "access_token"), String(await StableAsync(), "access_token"));

        Advance(1);
        var rotated = await StableAsync();
        Assert.NotEqual(String(first, "access_token"), String(rotated, "access_token"));
        Assert.Equal(7200, Int(rotated, "expires_in"));
        Assert.Equal(0, await UseAsync(String(first, "access_token")));

        Advance(300);
        Assert.Equal(42001, await UseAsync(String(first, "access_token")));
        Assert.Equal(0, await UseAsync(String(rotated, "access_token")));
    }

    [Fact]
    public async Task Every_stable_token_handed_out_has_at_least_five_minutes_left()
    {
        for (var elapsed = 0; elapsed < 3 * 7200; elapsed += 97)
        {
            Assert.True(Int(await StableAsync(), "expires_in") >= 300, $"at {elapsed} s");
            Advance(97);
        }
    }

    [Fact]
    public async Task Two_forced_refreshes_thirty_seconds_apart_kill_a_leaked_stable_token()
    {
        var leaked = String(await StableAsync(), "access_token");

        var forced = String(await StableAsync(force: true), "access_token");
        Assert.NotEqual(leaked, forced);
        Assert.Equal(0, await UseAsync(leaked));

        Advance(10);
        Assert.Equal(forced, String(await StableAsync(force: true), "access_token"));

        Advance(20);
        var second = String(await StableAsync(force: true), "access_token");
        Assert.NotEqual(forced, second);
        Assert.Equal(40001, await UseAsync(leaked));
        Assert.Equal(0, await UseAsync(forced));
        Assert.Equal(second, String(await StableAsync(), "access_token"));
    }

    [Fact]
    public async Task Forced_refreshes_stop_after_twenty_a_day_until_the_next_day()
    {
        var tokens = new HashSet<string> { String(await StableAsync(), "access_token") };
        for (var i = 0; i < 20; i++)
        {
            tokens.Add(String(await StableAsync(force: true), "access_token"));
            Advance(30);
        }
        Assert.Equal(21, tokens.Count);

        var current = String(await StableAsync(), "access_token");
        Assert.Equal(current, String(await StableAsync(force: true), "access_token"));

        Advance(TimeSpan.FromDays(1).TotalSeconds);
        Assert.DoesNotContain(String(await StableAsync(force: true), "access_token"), tokens);
    }

    [Fact]
    public async Task Classic_and_stable_tokens_do_not_affect_each_other()
    {
        var stable = String(await StableAsync(), "access_token");
        await ClassicAsync();
        await ClassicAsync();
        await ClassicAsync();
        var classic = String(await ClassicAsync(), "access_token");
        await StableAsync(force: true);
        await StableAsync(force: true);

        Assert.Equal(0, await UseAsync(stable));
        Assert.Equal(0, await UseAsync(classic));
    }

    [Fact]
    public async Task Stable_token_wants_post_and_json()
    {
        Error(43002, await _wx.GetJsonAsync("/cgi-bin/stable_token"));
        using var garbage = await _wx.Client.PostAsync("/cgi-bin/stable_token", new StringContent("{not json"));
        Error(47001, JsonDocument.Parse(await garbage.Content.ReadAsStringAsync()).RootElement);
    }

    [Fact]
    public async Task Jsapi_and_card_tickets_come_with_errcode_zero_and_rotate_like_tokens()
    {
        var token = String(await ClassicAsync(), "access_token");

        var jsapi = await _wx.GetJsonAsync($"/cgi-bin/ticket/getticket?access_token={token}&type=jsapi");
        Assert.Equal(0, Int(jsapi, "errcode"));
        Assert.Equal("ok", String(jsapi, "errmsg"));
        Assert.Equal(7200, Int(jsapi, "expires_in"));
        var card = await _wx.GetJsonAsync($"/cgi-bin/ticket/getticket?access_token={token}&type=wx_card");
        Assert.NotEqual(String(jsapi, "ticket"), String(card, "ticket"));
        var next = await _wx.GetJsonAsync($"/cgi-bin/ticket/getticket?access_token={token}&type=jsapi");
        Assert.NotEqual(String(jsapi, "ticket"), String(next, "ticket"));

        Error(40097, await _wx.GetJsonAsync($"/cgi-bin/ticket/getticket?access_token={token}&type=other"));
        Error(40014, await _wx.GetJsonAsync("/cgi-bin/ticket/getticket?access_token=nope&type=jsapi"));
    }

    [Fact]
    public async Task Token_ttl_can_be_set_per_app_and_for_the_whole_emulator()
    {
        await _wx.RegisterAppAsync(new { appid = "wxshort", secret = Secret, type = "mini_program", token_ttl_seconds = 60 });
        Assert.Equal(60, Int(await ClassicAsync(appid: "wxshort"), "expires_in"));

        await using var quick = await EmulatorHarness.StartAsync(configure: o => o.TokenTtl = TimeSpan.FromSeconds(600));
        await quick.RegisterAppAsync(new { appid = AppId, secret = Secret, type = "official_account" });
        var body = await quick.GetJsonAsync($"/cgi-bin/token?grant_type=client_credential&appid={AppId}&secret={Secret}");
        Assert.Equal(600, Int(body, "expires_in"));
        var ticket = await quick.GetJsonAsync($"/cgi-bin/ticket/getticket?access_token={String(body, "access_token")}&type=jsapi");
        Assert.Equal(600, Int(ticket, "expires_in"));
    }

    [Fact]
    public async Task The_network_check_answers_from_loopback()
    {
        var token = String(await ClassicAsync(), "access_token");
        var all = await _wx.PostJsonAsync($"/cgi-bin/callback/check?access_token={token}", new { action = "all", check_operator = "DEFAULT" });
        Assert.Equal("127.0.0.1", String(all.GetProperty("dns")[0], "ip"));
        Assert.Equal("0%", String(all.GetProperty("ping")[0], "package_loss"));
        var dns = await _wx.PostJsonAsync($"/cgi-bin/callback/check?access_token={token}", new { action = "dns", check_operator = "CAP" });
        Assert.False(dns.TryGetProperty("ping", out _));
        Error(40097, await _wx.PostJsonAsync($"/cgi-bin/callback/check?access_token={token}", new { action = "trace", check_operator = "CAP" }));
    }
}
