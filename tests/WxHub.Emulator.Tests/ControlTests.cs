using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using WxHub.Testing;
using static WxHub.Emulator.Tests.WeChatAssert;

namespace WxHub.Emulator.Tests;

public sealed class ControlTests : IAsyncLifetime
{
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private const string TokenPath = "/cgi-bin/token?grant_type=client_credential&secret=" + Secret + "&appid=";
    private EmulatorHarness _wx = null!;

    public async Task InitializeAsync()
    {
        _wx = await EmulatorHarness.StartAsync();
        await _wx.RegisterAppAsync(new { appid = "wxa", secret = Secret, type = "official_account" });
        await _wx.RegisterAppAsync(new { appid = "wxb", secret = Secret, type = "official_account" });
    }

    public async Task DisposeAsync() => await _wx.DisposeAsync();

    [Fact]
    public async Task An_errcode_fault_hits_the_next_calls_of_its_app_only_and_then_wears_off()
    {
        await _wx.ControlAsync(HttpMethod.Post, "/__emulator/faults", new { path = "/cgi-bin/token", appid = "wxa", errcode = -1, count = 2 });

        Ok(await _wx.GetJsonAsync(TokenPath + "wxb"));
        Error(-1, await _wx.GetJsonAsync(TokenPath + "wxa"));
        Error(-1, await _wx.GetJsonAsync(TokenPath + "wxa"));
        Ok(await _wx.GetJsonAsync(TokenPath + "wxa"));
    }

    [Fact]
    public async Task Http_status_drop_and_delay_faults_behave_like_a_bad_network_until_cleared()
    {
        await _wx.ControlAsync(HttpMethod.Post, "/__emulator/faults", new { path = "/cgi-bin/token", http_status = 503 });
        using (var response = await _wx.Client.GetAsync(TokenPath + "wxa"))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await _wx.ControlAsync(HttpMethod.Delete, "/__emulator/faults");

        await _wx.ControlAsync(HttpMethod.Post, "/__emulator/faults", new { path = "/cgi-bin/token", drop = true, count = 1 });
        await Assert.ThrowsAsync<HttpRequestException>(() => _wx.Client.GetAsync(TokenPath + "wxa"));
        Ok(await _wx.GetJsonAsync(TokenPath + "wxa"));

        await _wx.ControlAsync(HttpMethod.Post, "/__emulator/faults", new { path = "/cgi-bin/token", delay_ms = 20, count = 1 });
        Ok(await _wx.GetJsonAsync(TokenPath + "wxa"));
        var faults = await _wx.ControlAsync(HttpMethod.Get, "/__emulator/faults");
        Assert.Equal(0, faults.GetProperty("faults").GetArrayLength());
    }

    [Fact]
    public async Task A_seeded_fraction_hits_the_same_calls_every_run()
    {
        async Task<string> PatternAsync()
        {
            await _wx.ControlAsync(HttpMethod.Delete, "/__emulator/faults");
            await _wx.ControlAsync(HttpMethod.Post, "/__emulator/faults", new { path = "/cgi-bin/token", errcode = -1, fraction = 0.3, seed = 7 });
            var hits = new char[40];
            for (var i = 0; i < hits.Length; i++)
                hits[i] = (await _wx.GetJsonAsync(TokenPath + "wxa")).TryGetProperty("errcode", out _) ? 'x' : '.';
            return new string(hits);
        }

        var first = await PatternAsync();
        Assert.Equal(first, await PatternAsync());
        Assert.InRange(first.Count(c => c == 'x'), 4, 24);
        var listed = await _wx.ControlAsync(HttpMethod.Get, "/__emulator/faults");
        Assert.Equal(7, listed.GetProperty("faults")[0].GetProperty("seed").GetInt32());
    }

    [Fact]
    public async Task A_fault_can_target_one_access_point()
    {
        await _wx.ControlAsync(HttpMethod.Post, "/__emulator/faults", new { path = "/cgi-bin/token", access_point = "api", errcode = 45011 });
        using var sh = new HttpClient { BaseAddress = _wx.Emulator.AccessPoints["sh"] };

        Error(45011, await _wx.GetJsonAsync(TokenPath + "wxa"));
        Ok(JsonDocument.Parse(await sh.GetStringAsync(TokenPath + "wxa")).RootElement);
    }

    [Fact]
    public async Task Fault_requests_that_make_no_sense_are_refused()
    {
        foreach (var bad in new object[]
        {
            new { path = "/cgi-bin/token" },
            new { path = "/cgi-bin/token", errcode = 1, drop = true },
            new { path = "/cgi-bin/token", errcode = 1, count = 1, fraction = 0.5 },
            new { path = "/cgi-bin/token", http_status = 42 },
            new { path = "/cgi-bin/token", errcode = 1, access_point = "moon" },
            new { path = "/cgi-bin/token", errcode = 1, seed = 3 },
        })
        {
            using var response = await _wx.Client.PostAsync("/__emulator/faults", System.Net.Http.Json.JsonContent.Create(bad));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_clock_advances_on_request_on_top_of_the_tests_clock()
    {
        var token = String(await _wx.GetJsonAsync(TokenPath + "wxa"), "access_token");
        var before = await _wx.ControlAsync(HttpMethod.Get, "/__emulator/clock");

        var after = await _wx.ControlAsync(HttpMethod.Post, "/__emulator/clock", new { advance_seconds = 7200 });

        Assert.Equal(before.GetProperty("unix").GetInt64() + 7200, after.GetProperty("unix").GetInt64());
        Assert.Equal(7200, after.GetProperty("offset_seconds").GetDouble());
        Error(42001, await _wx.GetJsonAsync($"/cgi-bin/getcallbackip?access_token={token}"));
        _wx.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(before.GetProperty("unix").GetInt64() + 7205, (await _wx.ControlAsync(HttpMethod.Get, "/__emulator/clock")).GetProperty("unix").GetInt64());

        using var backwards = await _wx.Client.PostAsync("/__emulator/clock", System.Net.Http.Json.JsonContent.Create(new { advance_seconds = -1 }));
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
    }

    [Fact]
    public async Task Stats_count_calls_per_path_and_app_and_per_access_point()
    {
        await _wx.GetJsonAsync(TokenPath + "wxa");
        await _wx.GetJsonAsync(TokenPath + "wxa");
        var token = String(await _wx.GetJsonAsync(TokenPath + "wxb"), "access_token");
        await _wx.GetJsonAsync($"/cgi-bin/getcallbackip?access_token={token}");
        await _wx.PostJsonAsync("/cgi-bin/stable_token", new { grant_type = "client_credential", appid = "wxa", secret = Secret });
        await _wx.GetJsonAsync("/cgi-bin/getcallbackip");

        var stats = await _wx.ControlAsync(HttpMethod.Get, "/__emulator/stats");
        var calls = stats.GetProperty("calls");
        Assert.Equal(2, calls.GetProperty("/cgi-bin/token").GetProperty("wxa").GetInt32());
        Assert.Equal(1, calls.GetProperty("/cgi-bin/token").GetProperty("wxb").GetInt32());
        Assert.Equal(1, calls.GetProperty("/cgi-bin/getcallbackip").GetProperty("wxb").GetInt32());
        Assert.Equal(1, calls.GetProperty("/cgi-bin/getcallbackip").GetProperty("-").GetInt32());
        Assert.Equal(1, calls.GetProperty("/cgi-bin/stable_token").GetProperty("wxa").GetInt32());
        Assert.Equal(6, stats.GetProperty("access_points").GetProperty("api").GetInt32());

        await _wx.ControlAsync(HttpMethod.Delete, "/__emulator/stats");
        Assert.Empty((await _wx.ControlAsync(HttpMethod.Get, "/__emulator/stats")).GetProperty("calls").EnumerateObject());
    }

    [Fact]
    public async Task Access_points_share_state_and_a_downed_one_refuses_connections_until_brought_back()
    {
        var urls = _wx.Emulator.AccessPoints;
        Assert.Equal(["api", "api2", "sh", "sz", "hk"], urls.Keys);
        Assert.Equal(5, urls.Values.Distinct().Count());
        using var hk = new HttpClient { BaseAddress = urls["hk"] };
        var token = String(await _wx.GetJsonAsync(TokenPath + "wxa"), "access_token");
        Ok(JsonDocument.Parse(await hk.GetStringAsync($"/cgi-bin/getcallbackip?access_token={token}")).RootElement);

        await _wx.Emulator.TakeDownAsync("hk");
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => hk.GetStringAsync($"/cgi-bin/getcallbackip?access_token={token}"));
        Assert.Equal(SocketError.ConnectionRefused, (refused.InnerException as SocketException)?.SocketErrorCode);
        Ok(await _wx.GetJsonAsync($"/cgi-bin/getcallbackip?access_token={token}"));

        await _wx.Emulator.BringUpAsync("hk");
        Assert.Equal(urls["hk"], _wx.Emulator.AccessPoints["hk"]);
        Ok(JsonDocument.Parse(await hk.GetStringAsync($"/cgi-bin/getcallbackip?access_token={token}")).RootElement);
    }

    [Fact]
    public async Task Access_points_can_be_switched_through_the_control_api_even_by_themselves()
    {
        using var api2 = new HttpClient { BaseAddress = _wx.Emulator.AccessPoints["api2"] };
        await _wx.ControlAsync(HttpMethod.Post, "/__emulator/access_points/sz/down");
        Assert.False(_wx.Emulator.IsUp("sz"));

        using var self = await api2.PostAsync("/__emulator/access_points/api2/down", null);
        Assert.Equal(HttpStatusCode.OK, self.StatusCode);
        await Eventually.True(() => !_wx.Emulator.IsUp("api2"), "api2 went down after answering");

        var list = await _wx.ControlAsync(HttpMethod.Post, "/__emulator/access_points/sz/up");
        var states = list.GetProperty("access_points").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("up").GetBoolean());
        Assert.True(states["sz"]);
        Assert.False(states["api2"]);
        using var unknown = await _wx.Client.PostAsync("/__emulator/access_points/moon/down", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_seed_sets_up_apps_platforms_and_users_and_names_a_bad_entry()
    {
        var result = _wx.Emulator.LoadSeed("""
            {"apps": [{"appid": "wxs1", "secret": "s", "type": "mini_program", "open_account": "o"}],
             "users": [{"id": "zoe", "apps": ["wxs1"]}]}
            """);
        Assert.Equal(new SeedResult(1, 0, 1), result);
        var zoe = await _wx.ControlAsync(HttpMethod.Get, "/__emulator/users/zoe");
        Assert.Equal(28, String(zoe.GetProperty("openids"), "wxs1").Length);

        var bad = Assert.Throws<InvalidDataException>(() => _wx.Emulator.LoadSeed("""{"users": [{"apps": ["wxnope"]}]}"""));
        Assert.StartsWith("users[0]: ", bad.Message);
        var seeded = await _wx.ControlAsync(HttpMethod.Post, "/__emulator/seed", new { apps = new[] { new { appid = "wxs2", secret = "s", type = "website" } } });
        Assert.Equal(1, Int(seeded, "apps"));
    }
}
