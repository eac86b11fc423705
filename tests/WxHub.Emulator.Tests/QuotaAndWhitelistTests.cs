using System.Text.Json;
using WxHub.Testing;
using static WxHub.Emulator.Tests.WeChatAssert;

namespace WxHub.Emulator.Tests;

public sealed class QuotaAndWhitelistTests : IAsyncLifetime
{
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private EmulatorHarness _wx = null!;

    public async Task InitializeAsync() => _wx = await EmulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _wx.DisposeAsync();

    private Task<JsonElement> TokenAsync(string appid) =>
        _wx.GetJsonAsync($"/cgi-bin/token?grant_type=client_credential&appid={appid}&secret={Secret}");

    [Fact]
    public async Task A_used_up_daily_quota_gives_45009_until_clear_quota_v2()
    {
        await _wx.RegisterAppAsync(new { appid = "wxq", secret = Secret, type = "official_account", quotas = new Dictionary<string, int> { ["/cgi-bin/token"] = 3 } });
        for (var i = 0; i < 3; i++) Ok(await TokenAsync("wxq"));
        Error(45009, await TokenAsync("wxq"));

        Ok(await _wx.PostJsonAsync($"/cgi-bin/clear_quota/v2?appid=wxq&appsecret={Secret}", new { }));
        Ok(await TokenAsync("wxq"));
    }

    [Fact]
    public async Task The_daily_quota_comes_back_at_midnight_in_beijing()
    {
        await _wx.RegisterAppAsync(new { appid = "wxq", secret = Secret, type = "official_account", quotas = new Dictionary<string, int> { ["/cgi-bin/token"] = 1 } });
        Ok(await TokenAsync("wxq"));
        Error(45009, await TokenAsync("wxq"));

        // The manual clock starts at 00:00 UTC, 08:00 in Beijing: the next Beijing day begins 16 hours later.
        _wx.Clock.Advance(TimeSpan.FromHours(16) - TimeSpan.FromSeconds(1));
        Error(45009, await TokenAsync("wxq"));
        _wx.Clock.Advance(TimeSpan.FromSeconds(1));
        Ok(await TokenAsync("wxq"));
    }

    [Fact]
    public async Task Clear_quota_with_a_token_resets_the_apps_quota_ten_times_a_month_then_48006()
    {
        await _wx.RegisterAppAsync(new { appid = "wxq", secret = Secret, type = "official_account", quotas = new Dictionary<string, int> { ["/cgi-bin/token"] = 1 } });
        var token = String(await TokenAsync("wxq"), "access_token");
        Error(45009, await TokenAsync("wxq"));

        Error(40013, await _wx.PostJsonAsync($"/cgi-bin/clear_quota?access_token={token}", new { appid = "wxother" }));
        Ok(await _wx.PostJsonAsync($"/cgi-bin/clear_quota?access_token={token}", new { appid = "wxq" }));
        Ok(await TokenAsync("wxq"));

        for (var i = 0; i < 8; i++) Ok(await _wx.PostJsonAsync($"/cgi-bin/clear_quota/v2", new { appid = "wxq", appsecret = Secret }));
        Ok(await _wx.PostJsonAsync($"/cgi-bin/clear_quota/v2?appid=wxq&appsecret={Secret}", new { }));
        Error(48006, await _wx.PostJsonAsync($"/cgi-bin/clear_quota/v2?appid=wxq&appsecret={Secret}", new { }));
        Error(40125, await _wx.PostJsonAsync($"/cgi-bin/clear_quota/v2?appid=wxq&appsecret=wrong", new { }));
    }

    [Fact]
    public async Task A_caller_outside_the_whitelist_gets_40164_naming_its_ip()
    {
        await _wx.RegisterAppAsync(new { appid = "wxw", secret = Secret, type = "official_account", ip_whitelist = new[] { "10.1.2.3", "192.168.0.0/16" } });

        var refused = await TokenAsync("wxw");
        Error(40164, refused);
        Assert.StartsWith("invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist", String(refused, "errmsg"));
        var stable = await _wx.PostJsonAsync("/cgi-bin/stable_token", new { grant_type = "client_credential", appid = "wxw", secret = Secret });
        Error(40164, stable);
    }

    [Fact]
    public async Task A_whitelisted_caller_gets_its_token_and_a_narrowed_whitelist_refuses_its_api_calls()
    {
        await _wx.RegisterAppAsync(new { appid = "wxw", secret = Secret, type = "official_account", ip_whitelist = new[] { "127.0.0.0/8" } });
        var token = String(await TokenAsync("wxw"), "access_token");
        Ok(await _wx.GetJsonAsync($"/cgi-bin/getcallbackip?access_token={token}"));

        await _wx.RegisterAppAsync(new { appid = "wxw", secret = Secret, type = "official_account", ip_whitelist = new[] { "10.0.0.1" } });
        Error(40164, await _wx.GetJsonAsync($"/cgi-bin/getcallbackip?access_token={token}"));
    }

    [Fact]
    public async Task Bad_registrations_are_refused_with_a_json_error_that_says_how_to_fix_them()
    {
        foreach (var bad in new object[]
        {
            new { secret = Secret, type = "official_account" },
            new { appid = "wx1", secret = Secret, type = "service" },
            new { appid = "wx1", secret = Secret, type = "official_account", ip_whitelist = new[] { "not-an-ip" } },
            new { appid = "wx1", secret = Secret, type = "official_account", mode = "safe", token = "t" },
            new { appid = "wx1", secret = Secret, type = "official_account", callback_url = "http://127.0.0.1:1/cb" },
            new { appid = "wx1", secret = Secret, type = "official_account", encoding_aes_key = "short" },
        })
        {
            using var response = await _wx.Client.PostAsync("/__emulator/apps", System.Net.Http.Json.JsonContent.Create(bad));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.False(string.IsNullOrEmpty(String(error, "error")));
            Assert.False(string.IsNullOrEmpty(String(error, "message")));
        }

        using var garbage = await _wx.Client.PostAsync("/__emulator/apps", new StringContent("[1,2"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, garbage.StatusCode);
    }
}
