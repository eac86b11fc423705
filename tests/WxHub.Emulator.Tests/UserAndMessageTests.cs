using System.Net;
using System.Text.Json;
using WxHub.Testing;
using static WxHub.Emulator.Tests.WeChatAssert;

namespace WxHub.Emulator.Tests;

public sealed class UserAndMessageTests : IAsyncLifetime
{
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private EmulatorHarness _wx = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _wx = await EmulatorHarness.StartAsync(configure: o => o.FollowerPageSize = 2);
        await _wx.RegisterAppAsync(new { appid = "wxoa", secret = Secret, type = "official_account", open_account = "open1" });
        await _wx.RegisterAppAsync(new { appid = "wxmp", secret = Secret, type = "mini_program", open_account = "open1" });
        await _wx.RegisterAppAsync(new { appid = "wxother", secret = Secret, type = "official_account" });
        _token = String(await _wx.GetJsonAsync($"/cgi-bin/token?grant_type=client_credential&appid=wxoa&secret={Secret}"), "access_token");
    }

    public async Task DisposeAsync() => await _wx.DisposeAsync();

    [Fact]
    public async Task A_user_has_an_openid_per_app_and_one_unionid_per_open_platform_account()
    {
        var alice = await _wx.ControlAsync(HttpMethod.Post, "/__emulator/users", new { id = "alice", apps = new[] { "wxoa", "wxmp", "wxother" } });

        var openids = alice.GetProperty("openids");
        var ids = new[] { "wxoa", "wxmp", "wxother" }.Select(a => String(openids, a)).ToList();
        Assert.Equal(3, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(28, id.Length));
        var unionids = alice.GetProperty("unionids");
        Assert.Single(unionids.EnumerateObject());
        var unionid = String(unionids, "open1");

        var info = await _wx.GetJsonAsync($"/cgi-bin/user/info?access_token={_token}&openid={ids[0]}&lang=zh_CN");
        Assert.Equal(1, Int(info, "subscribe"));
        Assert.Equal(unionid, String(info, "unionid"));
        Assert.Equal("zh_CN", String(info, "language"));
        Assert.True(info.GetProperty("subscribe_time").GetInt64() > 0);

        Error(40003, await _wx.GetJsonAsync($"/cgi-bin/user/info?access_token={_token}&openid={ids[2]}"));
    }

    [Fact]
    public async Task A_user_who_does_not_follow_shows_only_openid_and_unionid()
    {
        var code = await _wx.ControlAsync(HttpMethod.Post, "/__emulator/apps/wxmp/jscode", new { user = "bob" });
        var session = await _wx.GetJsonAsync($"/sns/jscode2session?appid=wxmp&secret={Secret}&js_code={String(code, "js_code")}&grant_type=authorization_code");
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _wx.Emulator.BaseUrl };
        using var signIn = await browser.GetAsync("/connect/oauth2/authorize?appid=wxoa&redirect_uri=https%3A%2F%2Fa.example%2F&response_type=code&scope=snsapi_base&emulator_approve=1&emulator_user=bob");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var bob = await _wx.ControlAsync(HttpMethod.Get, "/__emulator/users/bob");
        var carol = await _wx.ControlAsync(HttpMethod.Post, "/__emulator/users", new { id = "carol", apps = new[] { "wxoa" } });

        var users = await _wx.PostJsonAsync($"/cgi-bin/user/info/batchget?access_token={_token}", new
        {
            user_list = new[] { String(carol.GetProperty("openids"), "wxoa"), String(bob.GetProperty("openids"), "wxoa") }.Select(id => new { openid = id, lang = "zh_CN" }),
        });

        var list = users.GetProperty("user_info_list").EnumerateArray().ToList();
        Assert.Equal(1, Int(list[0], "subscribe"));
        Assert.Equal(0, Int(list[1], "subscribe"));
        Assert.Equal(["subscribe", "openid", "unionid"], list[1].EnumerateObject().Select(p => p.Name));
        Assert.Equal(String(session, "unionid"), String(list[1], "unionid"));
    }

    [Fact]
    public async Task The_follower_list_pages_with_next_openid_and_ends_with_an_empty_page()
    {
        var followers = new List<string>();
        for (var i = 0; i < 5; i++)
            followers.Add(String((await _wx.ControlAsync(HttpMethod.Post, "/__emulator/users", new { apps = new[] { "wxoa" } })).GetProperty("openids"), "wxoa"));

        var seen = new List<string>();
        var next = "";
        while (true)
        {
            var page = await _wx.GetJsonAsync($"/cgi-bin/user/get?access_token={_token}&next_openid={next}");
            Assert.Equal(5, Int(page, "total"));
            if (Int(page, "count") == 0)
            {
                Assert.Equal("", String(page, "next_openid"));
                Assert.False(page.TryGetProperty("data", out _));
                break;
            }
            var ids = page.GetProperty("data").GetProperty("openid").EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.Equal(ids[^1], String(page, "next_openid"));
            seen.AddRange(ids);
            next = String(page, "next_openid");
        }
        Assert.Equal(followers, seen);
    }

    [Fact]
    public async Task User_apis_are_for_official_accounts()
    {
        var mpToken = String(await _wx.GetJsonAsync($"/cgi-bin/token?grant_type=client_credential&appid=wxmp&secret={Secret}"), "access_token");
        Error(48001, await _wx.GetJsonAsync($"/cgi-bin/user/get?access_token={mpToken}"));
    }

    [Fact]
    public async Task Jscode2session_trades_a_single_use_login_code_for_openid_and_session_key()
    {
        var code = await _wx.ControlAsync(HttpMethod.Post, "/__emulator/apps/wxmp/jscode", new { user = "dave" });
        var url = $"/sns/jscode2session?appid=wxmp&secret={Secret}&js_code={String(code, "js_code")}&grant_type=authorization_code";

        var session = await _wx.GetJsonAsync(url);
        Assert.False(session.TryGetProperty("errcode", out _));
        Assert.Equal(String(code, "openid"), String(session, "openid"));
        Assert.Equal(16, Convert.FromBase64String(String(session, "session_key")).Length);
        Assert.Equal(28, String(session, "unionid").Length);

        Error(40163, await _wx.GetJsonAsync(url));
        Error(40029, await _wx.GetJsonAsync($"/sns/jscode2session?appid=wxmp&secret={Secret}&js_code=nope&grant_type=authorization_code"));
        Error(40125, await _wx.GetJsonAsync($"/sns/jscode2session?appid=wxmp&secret=bad&js_code=x&grant_type=authorization_code"));
        var late = await _wx.ControlAsync(HttpMethod.Post, "/__emulator/apps/wxmp/jscode", new { user = "dave" });
        _wx.Clock.Advance(TimeSpan.FromMinutes(5));
        Error(42003, await _wx.GetJsonAsync($"/sns/jscode2session?appid=wxmp&secret={Secret}&js_code={String(late, "js_code")}&grant_type=authorization_code"));
    }

    [Fact]
    public async Task Template_messages_go_to_followers_only_and_are_recorded()
    {
        var follower = String((await _wx.ControlAsync(HttpMethod.Post, "/__emulator/users", new { apps = new[] { "wxoa" } })).GetProperty("openids"), "wxoa");
        var code = await _wx.ControlAsync(HttpMethod.Post, "/__emulator/apps/wxmp/jscode", new { user = "erin" });
        await _wx.ControlAsync(HttpMethod.Post, "/__emulator/users", new { id = "erin", apps = new[] { "wxoa" } });

        var sent = await _wx.PostJsonAsync($"/cgi-bin/message/template/send?access_token={_token}", new
        {
            touser = follower, template_id = "tpl1", data = new { keyword1 = new { value = "hi" } },
        });
        Assert.Equal(0, Int(sent, "errcode"));
        Assert.True(sent.GetProperty("msgid").GetInt64() > 0);
        Error(40003, await _wx.PostJsonAsync($"/cgi-bin/message/template/send?access_token={_token}", new { touser = String(code, "openid"), template_id = "t", data = new { } }));
        Error(40037, await _wx.PostJsonAsync($"/cgi-bin/message/template/send?access_token={_token}", new { touser = follower, data = new { } }));

        var log = await _wx.ControlAsync(HttpMethod.Get, "/__emulator/apps/wxoa/messages");
        var message = Assert.Single(log.GetProperty("messages").EnumerateArray());
        Assert.Equal("template", String(message, "kind"));
        Assert.Equal(follower, String(message, "touser"));
        Assert.Equal("hi", message.GetProperty("body").GetProperty("data").GetProperty("keyword1").GetProperty("value").GetString());
    }

    [Fact]
    public async Task Customer_service_messages_need_an_open_window()
    {
        var follower = String((await _wx.ControlAsync(HttpMethod.Post, "/__emulator/users", new { apps = new[] { "wxoa" } })).GetProperty("openids"), "wxoa");

        Error(45015, await _wx.PostJsonAsync($"/cgi-bin/message/custom/send?access_token={_token}", new { touser = follower, msgtype = "text", text = new { content = "hello" } }));
        Error(40008, await _wx.PostJsonAsync($"/cgi-bin/message/custom/send?access_token={_token}", new { touser = follower, msgtype = "fax" }));
        Error(47001, await _wx.PostJsonAsync($"/cgi-bin/message/custom/send?access_token={_token}", new { touser = follower, msgtype = "text", text = new { } }));
    }

    [Fact]
    public async Task Media_downloads_as_a_file_a_video_as_a_url_and_expires_after_three_days()
    {
        var bytes = new byte[] { 0xFF, 0xD8, 0xFF, 1, 2, 3 };
        var image = String(await _wx.ControlAsync(HttpMethod.Post, "/__emulator/apps/wxoa/media", new { content_type = "image/jpeg", content_base64 = Convert.ToBase64String(bytes) }), "media_id");
        var video = String(await _wx.ControlAsync(HttpMethod.Post, "/__emulator/apps/wxoa/media", new { content_type = "video/mp4", content_base64 = "AAAA" }), "media_id");

        using (var file = await _wx.Client.GetAsync($"/cgi-bin/media/get?access_token={_token}&media_id={image}"))
        {
            Assert.Equal("image/jpeg", file.Content.Headers.ContentType!.MediaType);
            Assert.Equal($"{image}.jpg", file.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
            Assert.Equal(bytes, await file.Content.ReadAsByteArrayAsync());
        }
        var url = String(await _wx.GetJsonAsync($"/cgi-bin/media/get?access_token={_token}&media_id={video}"), "video_url");
        Assert.Equal([0, 0, 0], await _wx.Client.GetByteArrayAsync(url));

        Error(40007, await _wx.GetJsonAsync($"/cgi-bin/media/get?access_token={_token}&media_id=nope"));
        _wx.Clock.Advance(TimeSpan.FromDays(3));
        var token = String(await _wx.GetJsonAsync($"/cgi-bin/token?grant_type=client_credential&appid=wxoa&secret={Secret}"), "access_token");
        Error(40007, await _wx.GetJsonAsync($"/cgi-bin/media/get?access_token={token}&media_id={image}"));
    }

    [Fact]
    public async Task Media_uploads_as_a_multipart_form_and_downloads_unchanged()
    {
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes) { Headers = { ContentType = new("image/png") } }, "media", "cat.png" } };

        using var uploaded = await _wx.Client.PostAsync($"/cgi-bin/media/upload?access_token={_token}&type=image", form);
        var answer = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("image", String(answer, "type"));
        Assert.True(answer.GetProperty("created_at").GetInt64() > 0);
        using var file = await _wx.Client.GetAsync($"/cgi-bin/media/get?access_token={_token}&media_id={String(answer, "media_id")}");
        Assert.Equal("image/png", file.Content.Headers.ContentType!.MediaType);
        Assert.Equal(bytes, await file.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_media_upload_without_a_file_or_with_an_unknown_type_is_refused()
    {
        using var empty = new MultipartFormDataContent { { new StringContent("x"), "other" } };
        using var noFile = await _wx.Client.PostAsync($"/cgi-bin/media/upload?access_token={_token}&type=image", empty);
        Error(41005, JsonDocument.Parse(await noFile.Content.ReadAsStringAsync()).RootElement);

        using var thumb = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "media", "t.jpg" } };
        using var wrongType = await _wx.Client.PostAsync($"/cgi-bin/media/upload?access_token={_token}&type=pdf", thumb);
        Error(40004, JsonDocument.Parse(await wrongType.Content.ReadAsStringAsync()).RootElement);

        using var notMultipart = await _wx.Client.PostAsync($"/cgi-bin/media/upload?access_token={_token}&type=image", new StringContent("{}"));
        Error(41005, JsonDocument.Parse(await notMultipart.Content.ReadAsStringAsync()).RootElement);

        using var thumbAnswer = await _wx.Client.PostAsync($"/cgi-bin/media/upload?access_token={_token}&type=thumb", thumb);
        Assert.False(string.IsNullOrEmpty(String(JsonDocument.Parse(await thumbAnswer.Content.ReadAsStringAsync()).RootElement, "thumb_media_id")));
    }
}
