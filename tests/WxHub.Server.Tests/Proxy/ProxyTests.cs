using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WxHub.Core.WeChat;
using WxHub.Server.Tests.Credentials;

namespace WxHub.Server.Tests.Proxy;

public sealed class ProxyTests : IAsyncLifetime
{
    private const string CustomSend = "/cgi-bin/message/custom/send";
    private HubFixture _hub = null!;

    public async Task InitializeAsync() => _hub = await HubFixture.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_JSON_call_goes_out_with_the_app_token_and_WeChat_answers_come_back_unchanged()
    {
        var appid = await _hub.RegisterAppAsync(callbackUrl: WeChatWorld.NowhereCallback);
        using var client = await _hub.KeyClientAsync(appid);
        var openid = await _hub.FollowerWithOpenWindowAsync(appid);

        // A token the caller sends is replaced by the app's own.
        var sent = await client.PostAsJsonAsync($"/wechat-api/{appid}{CustomSend}?access_token=whatever", WeChatWorld.Text(openid, "hi through the proxy")).OkAsync();
        var info = await client.GetAsync($"/wechat-api/{appid}/cgi-bin/user/info?openid={openid}&lang=zh_CN").OkAsync();
        var error = await client.GetAsync($"/wechat-api/{appid}/cgi-bin/user/info?openid=someone-else").OkAsync();

        Assert.Equal(0, sent["errcode"]!.GetValue<int>());
        var message = Assert.Single(await _hub.SentMessagesAsync(appid));
        Assert.Equal("hi through the proxy", message["body"]!["text"]!["content"]!.GetValue<string>());
        Assert.Equal(openid, info.Str("openid"));
        Assert.Equal(1, info["subscribe"]!.GetValue<int>());
        Assert.Equal(40003, error["errcode"]!.GetValue<int>());
        Assert.Contains("rid: ", error.Str("errmsg"));
    }

    [Fact]
    public async Task The_key_may_come_in_the_X_WxHub_Key_header_and_never_reaches_WeChat()
    {
        var appid = await _hub.RegisterAppAsync();
        var key = await _hub.CreateKeyAsync([appid]);
        using var client = new HttpClient { BaseAddress = _hub.Server.Address };
        client.DefaultRequestHeaders.Add("X-WxHub-Key", key);

        var followers = await client.GetAsync($"/wechat-api/{appid}/cgi-bin/user/get").OkAsync();

        Assert.Equal(0, followers["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Media_uploads_and_downloads_stream_through_byte_for_byte()
    {
        var appid = await _hub.RegisterAppAsync();
        using var client = await _hub.KeyClientAsync(appid);
        var image = RandomBytes(300_000);

        var uploaded = await client.PostAsync($"/wechat-api/{appid}/cgi-bin/media/upload?type=image", Form(image, "image/png")).OkAsync();
        using var download = await client.GetAsync($"/wechat-api/{appid}/cgi-bin/media/get?media_id={uploaded.Str("media_id")}");

        Assert.Equal("image", uploaded.Str("type"));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal(uploaded.Str("media_id") + ".png", download.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        Assert.True(download.Headers.CacheControl is { NoCache: true, MustRevalidate: true });
        Assert.Equal(image, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_40001_is_healed_by_one_refresh_and_one_retry()
    {
        var appid = await _hub.RegisterAppAsync(callbackUrl: WeChatWorld.NowhereCallback);
        using var client = await _hub.KeyClientAsync(appid);
        var openid = await _hub.FollowerWithOpenWindowAsync(appid);
        var before = (await client.AccessTokenAsync(appid)).Str("access_token");
        var refreshes = await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid);
        await _hub.InjectFaultAsync(new { path = CustomSend, appid, errcode = 40001, count = 1 });

        var sent = await client.PostAsJsonAsync($"/wechat-api/{appid}{CustomSend}", WeChatWorld.Text(openid, "healed")).OkAsync();

        Assert.Equal(0, sent["errcode"]!.GetValue<int>());
        Assert.Equal(2, await _hub.UpstreamCallsAsync(CustomSend, appid));
        Assert.Equal(refreshes + 1, await _hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));
        Assert.NotEqual(before, (await client.AccessTokenAsync(appid)).Str("access_token"));
        Assert.Single(await _hub.SentMessagesAsync(appid));
    }

    [Fact]
    public async Task A_storm_of_40001s_costs_one_refresh_and_every_call_succeeds()
    {
        var appid = await _hub.RegisterAppAsync(tokenMode: "classic");
        using var client = await _hub.KeyClientAsync(appid);
        var openid = await _hub.FollowerAsync(appid);
        await client.AccessTokenAsync(appid);
        // Someone else fetches two classic tokens with the AppSecret: the one WxHub holds is dead at WeChat (40001).
        for (var i = 0; i < 2; i++)
            await _hub.EmulatorClient.GetStringAsync($"/cgi-bin/token?grant_type=client_credential&appid={appid}&secret={_hub.SecretOf(appid)}");
        var tokenCalls = await _hub.UpstreamCallsAsync(WeChatEndpoints.Token, appid);

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => client.GetAsync($"/wechat-api/{appid}/cgi-bin/user/info?openid={openid}").OkAsync()));

        Assert.All(answers, a => Assert.Equal(openid, a.Str("openid")));
        Assert.Equal(tokenCalls + 1, await _hub.UpstreamCallsAsync(WeChatEndpoints.Token, appid));
    }

    [Fact]
    public async Task A_body_too_large_to_replay_streams_through_once_and_its_40001_comes_back_after_the_token_is_replaced()
    {
        await using var hub = await HubFixture.StartAsync(new Dictionary<string, string?> { ["Proxy:MaxReplayableBodyBytes"] = "4096" });
        var appid = await hub.RegisterAppAsync();
        using var client = await hub.KeyClientAsync(appid);
        var image = RandomBytes(100_000);
        var before = (await client.AccessTokenAsync(appid)).Str("access_token");

        var streamed = await client.PostAsync($"/wechat-api/{appid}/cgi-bin/media/upload?type=image", Form(image, "image/jpeg")).OkAsync();
        await hub.InjectFaultAsync(new { path = "/cgi-bin/media/upload", appid, errcode = 40001, count = 1 });
        var refused = await client.PostAsync($"/wechat-api/{appid}/cgi-bin/media/upload?type=image", Form(image, "image/jpeg")).OkAsync();
        var again = await client.PostAsync($"/wechat-api/{appid}/cgi-bin/media/upload?type=image", Form(image, "image/jpeg")).OkAsync();

        Assert.False(string.IsNullOrEmpty(streamed.Str("media_id")));
        Assert.Equal(40001, refused["errcode"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(again.Str("media_id")));
        Assert.Equal(3, await hub.UpstreamCallsAsync("/cgi-bin/media/upload", appid));
        Assert.NotEqual(before, (await client.AccessTokenAsync(appid)).Str("access_token"));
    }

    [Fact]
    public async Task Calls_fail_over_to_the_next_access_point()
    {
        var appid = await _hub.RegisterAppAsync();
        using var client = await _hub.KeyClientAsync(appid);
        await client.AccessTokenAsync(appid);
        await _hub.Emulator.TakeDownAsync("api");

        var followers = await client.GetAsync($"/wechat-api/{appid}/cgi-bin/user/get").OkAsync();

        Assert.Equal(0, followers["total"]!.GetValue<int>());
        using var api2 = new HttpClient { BaseAddress = _hub.Emulator.AccessPoints["api2"] };
        var stats = JsonNode.Parse(await api2.GetStringAsync("/__emulator/stats"))!;
        Assert.Equal(1, stats["access_points"]?["api2"]?.GetValue<int>());
    }

    [Fact]
    public async Task A_key_is_denied_apps_it_does_not_name_and_calls_without_a_credential_are_refused()
    {
        var mine = await _hub.RegisterAppAsync();
        var theirs = await _hub.RegisterAppAsync();
        using var client = await _hub.KeyClientAsync(mine);
        using var noProxyScope = _hub.Client(await _hub.CreateKeyAsync([theirs], ["access_token"]));
        using var anonymous = new HttpClient { BaseAddress = _hub.Server.Address };

        var denied = await client.GetAsync($"/wechat-api/{theirs}/cgi-bin/user/get").ErrorAsync(HttpStatusCode.NotFound);
        var unscoped = await noProxyScope.GetAsync($"/wechat-api/{theirs}/cgi-bin/user/get").ErrorAsync(HttpStatusCode.NotFound);
        var missing = await anonymous.GetAsync($"/wechat-api/{theirs}/cgi-bin/user/get").ErrorAsync(HttpStatusCode.Unauthorized);
        var forged = await anonymous.GetAsync($"/wechat-api/{theirs}/cgi-bin/user/get?access_token=guess").OkAsync();
        var wrongKey = await _hub.Client("wxk_0123456789abcdef_nope").GetAsync($"/wechat-api/{mine}/cgi-bin/user/get").ErrorAsync(HttpStatusCode.Unauthorized);

        Assert.Equal(40013, denied["errcode"]!.GetValue<int>());
        Assert.Equal("app_not_found", unscoped.Str("error"));
        Assert.Equal(41001, missing["errcode"]!.GetValue<int>());
        Assert.Equal(40001, forged["errcode"]!.GetValue<int>());
        Assert.Equal(40001, wrongKey["errcode"]!.GetValue<int>());
        Assert.Equal(0, await _hub.UpstreamCallsAsync("/cgi-bin/user/get", theirs));
    }

    [Fact]
    public async Task Rate_limits_per_key_and_per_app_answer_429_in_both_error_shapes()
    {
        await using var hub = await HubFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Proxy:PerApp:Permits"] = "5",
            ["Proxy:PerApp:Period"] = "01:00:00",
            ["Proxy:PerKey:Permits"] = "3",
            ["Proxy:PerKey:Period"] = "01:00:00",
        });
        var appid = await hub.RegisterAppAsync();
        using var first = await hub.KeyClientAsync(appid);
        using var second = await hub.KeyClientAsync(appid);
        var path = $"/wechat-api/{appid}/cgi-bin/user/get";

        for (var i = 0; i < 3; i++) await first.GetAsync(path).OkAsync();
        using var overKey = await first.GetAsync(path);
        for (var i = 0; i < 2; i++) await second.GetAsync(path).OkAsync();
        var overApp = await second.GetAsync(path).ErrorAsync(HttpStatusCode.TooManyRequests);

        Assert.Equal(HttpStatusCode.TooManyRequests, overKey.StatusCode);
        Assert.True(overKey.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 carries Retry-After");
        Assert.Equal("rate_limited", overApp.Str("error"));
        Assert.Equal(45011, overApp["errcode"]!.GetValue<int>());
        Assert.Contains($"app {appid}", overApp.Str("message"));
        Assert.Equal(5, await hub.UpstreamCallsAsync("/cgi-bin/user/get", appid));
    }

    [Theory]
    [InlineData("/cgi-bin/../cgi-bin/user/get")]
    [InlineData("/cgi-bin/user%2Fget")]
    [InlineData("/cgi-bin/%2e%2e/cgi-bin/user/get")]
    [InlineData("/cgi-bin//user/get")]
    [InlineData("/cgi-bin/user/get/.")]
    public async Task Paths_that_could_leave_WeChat_s_API_are_refused(string path)
    {
        var appid = await _hub.RegisterAppAsync();
        var key = await _hub.CreateKeyAsync([appid]);

        var (status, body) = await RawHttp.GetAsync(_hub.Server.Address, $"/wechat-api/{appid}{path}", key);

        Assert.True(status == 400, $"{path}: {status} {body}");
        Assert.Equal("invalid_path", JsonNode.Parse(body)!.Str("error"));
        Assert.Equal(0, await _hub.UpstreamCallsAsync("/cgi-bin/user/get", appid));
    }

    [Fact]
    public async Task A_path_that_climbs_into_another_app_is_refused()
    {
        var mine = await _hub.RegisterAppAsync();
        var theirs = await _hub.RegisterAppAsync();
        var key = await _hub.CreateKeyAsync(["*"]);

        var (status, _) = await RawHttp.GetAsync(_hub.Server.Address, $"/wechat-api/{mine}/../{theirs}/cgi-bin/user/get", key);

        Assert.Equal(400, status);
        Assert.Equal(0, await _hub.UpstreamCallsAsync("/cgi-bin/user/get", theirs));
    }

    private static MultipartFormDataContent Form(byte[] file, string contentType) =>
        new() { { new ByteArrayContent(file) { Headers = { ContentType = new MediaTypeHeaderValue(contentType) } }, "media", "upload.bin" } };

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(count).NextBytes(bytes);
        return bytes;
    }
}
