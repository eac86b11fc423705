using System.Net;
using Microsoft.AspNetCore.Http;
using System.Text.Json.Nodes;
using WxHub.Protocol.Crypto;
using WxHub.Protocol.Messages;
using WxHub.Testing;

namespace WxHub.Server.Tests.Messages;

/// <summary>WeChat → WxHub → subscribers → passive reply, in each mode, over real HTTP on loopback.</summary>
public sealed class CallbackRoundTripTests : IAsyncLifetime
{
    private const string Appid = "wxround0000000001";
    private MessageServerHarness _hub = null!;
    private SubscriberServer _sync = null!;
    private SubscriberServer _async = null!;
    private FakeWeChat _wechat = null!;

    public async Task InitializeAsync()
    {
        _hub = await MessageServerHarness.StartAsync();
        _sync = await SubscriberServer.StartAsync();
        _async = await SubscriberServer.StartAsync();
        _wechat = await _hub.RegisterAppAsync(Appid, EncodingAesKey.Generate());
        await _hub.SubscribeAsync(Appid, _sync.Url, "sync");
        await _hub.SubscribeAsync(Appid, _async.Url, "async");
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _sync.DisposeAsync();
        await _async.DisposeAsync();
    }

    [Fact]
    public async Task Url_verification_echoes_echostr_only_for_a_valid_signature()
    {
        var ok = await _wechat.VerifyUrlAsync("echo-5927782489442352469");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("echo-5927782489442352469", await ok.Content.ReadAsStringAsync());
        Assert.Equal(1, _hub.Count("verified"));

        var forged = await _wechat.VerifyUrlAsync("echo-1", new Tampering(Signature: new string('0', 40)));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.DoesNotContain("echo-1", await forged.Content.ReadAsStringAsync());
        Assert.Equal(1, _hub.Count("rejected", "invalid_signature"));

        var unknown = await _hub.Server.Client.GetAsync("/wechat/callback/wxnobody?signature=x&timestamp=1&nonce=1&echostr=e");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData(PushMode.Plaintext)]
    [InlineData(PushMode.Compatible)]
    [InlineData(PushMode.Safe)]
    public async Task A_text_message_reaches_both_subscribers_and_the_sync_answer_becomes_the_passive_reply(PushMode mode)
    {
        _sync.Respond = _ => Task.FromResult(SubscriberServer.Reply(new { type = "text", content = "你好, " + mode }));

        var response = await _wechat.PushAsync(FakeWeChat.Text(7001, "hello <&> 世界"), mode);

        var reply = WeChatXml.ReadFields(await _wechat.ReplyAsync(response, mode)).Value!;
        Assert.Equal("text", reply["MsgType"]);
        Assert.Equal("你好, " + mode, reply["Content"]);
        Assert.Equal("oUSER", reply["ToUserName"]);
        Assert.Equal(FakeWeChat.OriginalId, reply["FromUserName"]);

        var syncDelivery = Assert.Single(_sync.Received);
        Assert.True(syncDelivery.IsSignedWith(SubscriberServer.Secret));
        Assert.True(syncDelivery.Json["reply_expected"]!.GetValue<bool>());
        AssertMessage(syncDelivery.Message, mode);

        await Eventually.True(() => _async.Received.Count == 1, "the async subscriber got the message");
        var asyncDelivery = _async.Received[0];
        Assert.True(asyncDelivery.IsSignedWith(SubscriberServer.Secret));
        Assert.False(asyncDelivery.Json["reply_expected"]!.GetValue<bool>());
        Assert.NotEqual(syncDelivery.DeliveryId, asyncDelivery.DeliveryId);
        Assert.Equal(asyncDelivery.DeliveryId, asyncDelivery.Json["delivery_id"]!.GetValue<string>());
        AssertMessage(asyncDelivery.Message, mode);

        var callback = Assert.Single(await _hub.SettledCallbacksAsync(Appid))!;
        Assert.Equal("replied", callback["outcome"]!.GetValue<string>());
        Assert.Equal("text", callback["reply_type"]!.GetValue<string>());
        Assert.Equal(mode.ToString().ToLowerInvariant(), callback["encryption"]!.GetValue<string>());
        Assert.Equal(1, _hub.Count("accepted"));
    }

    [Theory]
    [InlineData("""{"type":"image","media_id":"MEDIA1"}""", "image", "Image/MediaId", "MEDIA1")]
    [InlineData("""{"type":"voice","media_id":"VOICE1"}""", "voice", "Voice/MediaId", "VOICE1")]
    [InlineData("""{"type":"video","media_id":"VID1","title":"T"}""", "video", "Video/Title", "T")]
    [InlineData("""{"type":"music","thumb_media_id":"TH1","music_url":"https://m.example/a.mp3"}""", "music", "Music/MusicUrl", "https://m.example/a.mp3")]
    [InlineData("""{"type":"news","articles":[{"title":"A","url":"https://a.example"},{"title":"B"}]}""", "news", "ArticleCount", "1")]
    [InlineData("""{"type":"transfer_customer_service","kf_account":"kf@test"}""", "transfer_customer_service", "TransInfo/KfAccount", "kf@test")]
    public async Task Every_reply_type_is_built_into_weixin_xml(string answer, string msgType, string field, string value)
    {
        _sync.Respond = _ => Task.FromResult(Results.Text(answer, "application/json"));

        var reply = await _wechat.ReplyAsync(await _wechat.PushAsync(FakeWeChat.Text(7100, "hi"), PushMode.Safe), PushMode.Safe);

        var fields = WeChatXml.ReadFields(reply).Value!;
        Assert.Equal(msgType, fields["MsgType"]);
        Assert.Equal(value, fields[field]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"type":"none"}""")]
    [InlineData("""{"type":"text"}""")]
    [InlineData("not json")]
    public async Task No_usable_answer_means_success(string answer)
    {
        _sync.Respond = _ => Task.FromResult(Results.Text(answer, "application/json"));

        var response = await _wechat.PushAsync(FakeWeChat.Text(7200, "hi"), PushMode.Safe);

        Assert.Null(await _wechat.ReplyAsync(response, PushMode.Safe));
        Assert.Equal("acknowledged", (await _hub.SettledCallbacksAsync(Appid))[0]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task After_a_key_rotation_pushes_under_the_previous_key_are_accepted_and_answered_under_it()
    {
        var previous = _wechat.Key!;
        var rotated = await _hub.Admin.PatchAsync($"/v1/admin/apps/{Appid}",
            JsonContent(new JsonObject { ["encoding_aes_key"] = EncodingAesKey.Generate().Value }));
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        _sync.Respond = _ => Task.FromResult(SubscriberServer.Reply(new { type = "text", content = "still here" }));

        var reply = await _wechat.ReplyAsync(await _wechat.PushAsync(FakeWeChat.Text(7300, "old key"), PushMode.Safe), PushMode.Safe);

        Assert.Equal("still here", WeChatXml.ReadFields(reply).Value!["Content"]);
    }

    [Fact]
    public async Task A_mini_program_json_push_is_decrypted_delivered_with_its_raw_json_and_acknowledged()
    {
        _sync.Respond = _ => Task.FromResult(SubscriberServer.Reply(new { type = "text", content = "ignored for JSON" }));
        var json = """{"ToUserName":"gh_0123456789ab","FromUserName":"oMINI","CreateTime":1767225600,"MsgType":"text","Content":"小程序","MsgId":7400}""";

        var response = await _wechat.PushAsync(json, PushMode.Safe);

        Assert.Null(await _wechat.ReplyAsync(response, PushMode.Safe));
        var message = Assert.Single(_sync.Received).Message;
        Assert.Equal("json", message["format"]!.GetValue<string>());
        Assert.Equal(json, message["raw_json"]!.GetValue<string>());
        Assert.Equal("小程序", message["fields"]!["Content"]!.GetValue<string>());
        Assert.Equal("7400", message["msg_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Event_filters_pick_the_subscribers_that_get_a_message()
    {
        var clicks = await SubscriberServer.StartAsync();
        await using var _ = clicks;
        await _hub.SubscribeAsync(Appid, clicks.Url, "async", "CLICK");

        await _wechat.PushAsync(FakeWeChat.Event("subscribe"), PushMode.Safe);
        await _wechat.PushAsync(FakeWeChat.Event("CLICK", eventKey: "MENU_1"), PushMode.Safe);

        await Eventually.True(() => _async.Received.Count == 2, "the catch-all subscriber got both events");
        await Eventually.True(() => clicks.Received.Count == 1, "the CLICK subscriber got the click");
        Assert.Equal("MENU_1", clicks.Received[0].Message["fields"]!["EventKey"]!.GetValue<string>());
        Assert.Equal("CLICK", clicks.Received[0].Message["event"]!.GetValue<string>());
    }

    private static void AssertMessage(JsonNode message, PushMode mode)
    {
        Assert.Equal("text", message["msg_type"]!.GetValue<string>());
        Assert.Equal("oUSER", message["from_user_name"]!.GetValue<string>());
        Assert.Equal("7001", message["msg_id"]!.GetValue<string>());
        Assert.Equal("hello <&> 世界", message["fields"]!["Content"]!.GetValue<string>());
        Assert.Equal(mode.ToString().ToLowerInvariant(), message["encryption"]!.GetValue<string>());
        Assert.Contains("<Content><![CDATA[hello <&> 世界]]></Content>", message["raw_xml"]!.GetValue<string>());
    }

    private static StringContent JsonContent(JsonNode node) => new(node.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
