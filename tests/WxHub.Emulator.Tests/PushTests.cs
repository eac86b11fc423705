using System.Text.Json;
using Microsoft.AspNetCore.Http;
using WxHub.Protocol.Crypto;
using WxHub.Protocol.Messages;
using WxHub.Protocol.Signatures;
using WxHub.Testing;
using static WxHub.Emulator.Tests.WeChatAssert;

namespace WxHub.Emulator.Tests;

public sealed class PushTests : IAsyncLifetime
{
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private const string Token = "callbacktoken";
    private const string AppId = "wxpush";
    private static readonly EncodingAesKey Key = EncodingAesKey.Generate();
    private EmulatorHarness _wx = null!;

    public async Task InitializeAsync() => _wx = await EmulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _wx.DisposeAsync();

    /// <summary>Registers the account with its server at the receiver and one follower; returns the follower's OpenID.</summary>
    private async Task<(string OpenId, string OriginalId)> SetUpAsync(Receiver receiver, string mode)
    {
        var app = await _wx.RegisterAppAsync(new
        {
            appid = AppId, secret = Secret, type = "official_account", callback_url = receiver.Url("/wechat").ToString(),
            token = Token, encoding_aes_key = Key.Value, mode,
        });
        var user = await _wx.ControlAsync(HttpMethod.Post, "/__emulator/users", new { apps = new[] { AppId } });
        return (String(user.GetProperty("openids"), AppId), String(app, "original_id"));
    }

    private Task<JsonElement> PushTextAsync(string openId, string content = "hello") =>
        _wx.ControlAsync(HttpMethod.Post, $"/__emulator/apps/{AppId}/push", new { msg_type = "text", from = openId, content });

    private static string TextReply(InboundMessage to, string content) =>
        new TextReply(content).ToXml(to.FromUserName, to.ToUserName, to.CreateTime);

    [Fact]
    public async Task A_plaintext_push_is_signed_and_a_plain_reply_is_accepted()
    {
        await using var receiver = await Receiver.StartAsync((request, http) =>
        {
            Assert.True(CallbackSignature.Verify(request.Query["signature"], Token, request.Query["timestamp"], request.Query["nonce"]));
            var message = InboundMessage.Parse(request.Body).Value!;
            return http.Response.WriteAsync(TextReply(message, "echo: " + ((TextMessage)message).Content));
        });
        var (openId, originalId) = await SetUpAsync(receiver, "plaintext");

        var result = await PushTextAsync(openId);

        Assert.Equal("replied", String(result, "status"));
        Assert.True(result.GetProperty("reply_valid").GetBoolean());
        Assert.Equal(1, Int(result, "attempts"));
        var pushed = Assert.Single(receiver.Requests);
        Assert.Equal(openId, pushed.Query["openid"]);
        Assert.False(pushed.Query.ContainsKey("encrypt_type"));
        var message = Assert.IsType<TextMessage>(InboundMessage.Parse(pushed.Body).Value);
        Assert.Equal(originalId, message.ToUserName);
        Assert.Equal(result.GetProperty("msg_id").GetInt64(), message.MsgId);
        Assert.Contains("echo: hello", String(result, "reply"));
    }

    [Fact]
    public async Task A_safe_mode_push_is_encrypted_and_its_encrypted_reply_is_verified()
    {
        await using var receiver = await Receiver.StartAsync((request, http) =>
        {
            var envelope = EncryptedEnvelope.Parse(request.Body).Value!;
            Assert.True(CallbackSignature.VerifyForMessage(request.Query["msg_signature"], Token, request.Query["timestamp"], request.Query["nonce"], envelope.Encrypt));
            var opened = MessageCrypto.Decrypt(envelope.Encrypt, AppId, Key);
            var message = InboundMessage.Parse(opened.Message!).Value!;
            return http.Response.WriteAsync(EncryptedReply.Build(Key, Token, AppId, TextReply(message, "secret echo"), "1700000000", "42"));
        });
        var (openId, _) = await SetUpAsync(receiver, "safe");

        var result = await PushTextAsync(openId);

        Assert.Equal("replied", String(result, "status"));
        Assert.True(result.GetProperty("reply_valid").GetBoolean());
        Assert.Contains("secret echo", String(result, "reply"));
        var pushed = Assert.Single(receiver.Requests);
        Assert.Equal("aes", pushed.Query["encrypt_type"]);
        Assert.DoesNotContain("hello", pushed.Body);
        Assert.DoesNotContain("<FromUserName>", pushed.Body);
    }

    [Theory]
    [InlineData("safe", "success", "invalid_reply", false)]
    [InlineData("safe", "", "acknowledged", true)]
    [InlineData("plaintext", "success", "acknowledged", true)]
    [InlineData("plaintext", "{\"not\":\"xml\"}", "invalid_reply", false)]
    [InlineData("safe", "<xml><ToUserName><![CDATA[x]]></ToUserName><FromUserName><![CDATA[y]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[plain]]></Content></xml>", "invalid_reply", false)]
    public async Task Replies_are_judged_by_the_mode(string mode, string reply, string status, bool valid)
    {
        await using var receiver = await Receiver.StartAsync((_, http) => http.Response.WriteAsync(reply));
        var (openId, _) = await SetUpAsync(receiver, mode);

        var result = await PushTextAsync(openId);

        Assert.Equal(status, String(result, "status"));
        Assert.Equal(valid, result.GetProperty("reply_valid").GetBoolean());
        if (!valid) Assert.False(string.IsNullOrEmpty(String(result, "reply_error")));
    }

    [Fact]
    public async Task A_reply_addressed_to_someone_else_is_invalid()
    {
        await using var receiver = await Receiver.StartAsync((request, http) =>
            http.Response.WriteAsync(new TextReply("hi").ToXml("someone-else", InboundMessage.Parse(request.Body).Value!.ToUserName, 1)));
        var (openId, _) = await SetUpAsync(receiver, "plaintext");

        var result = await PushTextAsync(openId);

        Assert.Equal("invalid_reply", String(result, "status"));
        Assert.Contains("ToUserName", String(result, "reply_error"));
    }

    [Fact]
    public async Task A_compatible_push_carries_both_plain_fields_and_encrypt()
    {
        await using var receiver = await Receiver.StartAsync((request, http) =>
            http.Response.WriteAsync(TextReply(InboundMessage.Parse(request.Body).Value!, "plain reply")));
        var (openId, _) = await SetUpAsync(receiver, "compatible");

        var result = await PushTextAsync(openId);

        Assert.Equal("replied", String(result, "status"));
        var body = Assert.Single(receiver.Requests).Body;
        Assert.Contains("<Content><![CDATA[hello]]></Content>", body);
        var decrypted = MessageCrypto.Decrypt(EncryptedEnvelope.Parse(body).Value!.Encrypt, AppId, Key);
        Assert.Contains("hello", decrypted.Message);
    }

    [Fact]
    public async Task An_unanswered_push_is_retried_after_five_seconds_with_the_same_message()
    {
        var answered = 0;
        await using var receiver = await Receiver.StartAsync(async (_, http) =>
        {
            if (Interlocked.Increment(ref answered) == 1)
            {
                // The first delivery hangs until the emulator gives up on it.
                try { await Task.Delay(Timeout.Infinite, http.RequestAborted); } catch (OperationCanceledException) { }
                return;
            }
            await http.Response.WriteAsync("success");
        });
        var (openId, _) = await SetUpAsync(receiver, "plaintext");

        var push = PushTextAsync(openId);
        await Eventually.True(() => receiver.Requests.Count == 1, "the first delivery arrived");
        Assert.False(push.IsCompleted);
        _wx.Clock.Advance(TimeSpan.FromSeconds(5));
        var result = await push;

        Assert.Equal(2, Int(result, "attempts"));
        Assert.Equal("acknowledged", String(result, "status"));
        var bodies = receiver.Requests.Select(r => r.Body).ToList();
        Assert.Equal(2, bodies.Count);
        Assert.Equal(bodies[0], bodies[1]);
    }

    [Fact]
    public async Task A_failing_server_gets_four_deliveries_in_all()
    {
        await using var receiver = await Receiver.StartAsync((_, http) => { http.Response.StatusCode = 500; return Task.CompletedTask; });
        var (openId, _) = await SetUpAsync(receiver, "plaintext");

        var result = await PushTextAsync(openId);

        Assert.Equal("http_error", String(result, "status"));
        Assert.Equal(4, Int(result, "attempts"));
        Assert.Equal(4, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_user_message_opens_the_customer_service_window_and_events_change_following()
    {
        await using var receiver = await Receiver.AnsweringSuccessAsync();
        var (openId, _) = await SetUpAsync(receiver, "plaintext");
        var token = String(await _wx.GetJsonAsync($"/cgi-bin/token?grant_type=client_credential&appid={AppId}&secret={Secret}"), "access_token");
        var send = new { touser = openId, msgtype = "text", text = new { content = "hi" } };
        Error(45015, await _wx.PostJsonAsync($"/cgi-bin/message/custom/send?access_token={token}", send));

        await PushTextAsync(openId);
        for (var i = 0; i < 5; i++) Ok(await _wx.PostJsonAsync($"/cgi-bin/message/custom/send?access_token={token}", send));
        Error(45047, await _wx.PostJsonAsync($"/cgi-bin/message/custom/send?access_token={token}", send));

        await _wx.ControlAsync(HttpMethod.Post, $"/__emulator/apps/{AppId}/push", new { msg_type = "event", from = openId, @event = "unsubscribe" });
        Assert.Equal(0, Int(await _wx.GetJsonAsync($"/cgi-bin/user/info?access_token={token}&openid={openId}"), "subscribe"));
        var pushed = InboundMessage.Parse(receiver.Requests.Last().Body).Value;
        Assert.Equal("unsubscribe", Assert.IsAssignableFrom<EventMessage>(pushed).Event);
    }

    [Fact]
    public async Task Url_verification_wants_the_echostr_back()
    {
        await using var receiver = await Receiver.StartAsync((request, http) =>
            http.Response.WriteAsync(CallbackSignature.Verify(request.Query["signature"], Token, request.Query["timestamp"], request.Query["nonce"])
                ? request.Query["echostr"]
                : "bad signature"));
        await SetUpAsync(receiver, "safe");

        var result = await _wx.ControlAsync(HttpMethod.Post, $"/__emulator/apps/{AppId}/verify_url");

        Assert.Equal("verified", String(result, "status"));
        Assert.True(result.GetProperty("reply_valid").GetBoolean());
        Assert.Equal("GET", Assert.Single(receiver.Requests).Method);
        var log = await _wx.ControlAsync(HttpMethod.Get, $"/__emulator/pushes?target={AppId}");
        Assert.Equal("url_verification", String(Assert.Single(log.GetProperty("pushes").EnumerateArray()), "kind"));
    }

    [Fact]
    public async Task A_raw_xml_push_is_delivered_as_given()
    {
        await using var receiver = await Receiver.AnsweringSuccessAsync();
        var (openId, originalId) = await SetUpAsync(receiver, "plaintext");
        var xml = $"<xml><ToUserName><![CDATA[{originalId}]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[location]]></MsgType><Location_X>23.1</Location_X><Location_Y>113.3</Location_Y><Scale>20</Scale><Label><![CDATA[here]]></Label><MsgId>99</MsgId></xml>";

        var result = await _wx.ControlAsync(HttpMethod.Post, $"/__emulator/apps/{AppId}/push", new { xml });

        Assert.Equal("acknowledged", String(result, "status"));
        Assert.Equal(xml, Assert.Single(receiver.Requests).Body);
        using var bad = await _wx.Client.PostAsync($"/__emulator/apps/{AppId}/push", System.Net.Http.Json.JsonContent.Create(new { xml = "<xml><!DOCTYPE x></xml>" }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
