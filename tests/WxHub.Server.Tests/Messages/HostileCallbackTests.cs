using System.Net;
using System.Text.Json.Nodes;
using WxHub.Protocol.Crypto;

namespace WxHub.Server.Tests.Messages;

/// <summary>Forged, replayed and hostile pushes: each refused with a clear 4xx, logged with app and reason, and counted.</summary>
public sealed class HostileCallbackTests : IAsyncLifetime
{
    private const string Appid = "wxhostile00000001";
    private const string BillionLaughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
        <xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol3;</Content><MsgId>1</MsgId></xml>
        """;
    private const string ExternalEntity = """
        <?xml version="1.0"?>
        <!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>2</MsgId></xml>
        """;

    private MessageServerHarness _hub = null!;
    private SubscriberServer _subscriber = null!;
    private FakeWeChat _wechat = null!;

    public async Task InitializeAsync()
    {
        _hub = await MessageServerHarness.StartAsync(new Dictionary<string, string?> { ["Messages:MaxBodyBytes"] = "8192" });
        _subscriber = await SubscriberServer.StartAsync();
        _wechat = await _hub.RegisterAppAsync(Appid, EncodingAesKey.Generate());
        await _hub.SubscribeAsync(Appid, _subscriber.Url, "sync");
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _subscriber.DisposeAsync();
    }

    public static TheoryData<string, PushMode, string, HttpStatusCode, string> Attacks()
    {
        var now = new WxHub.Testing.ManualTimeProvider().GetUtcNow().ToUnixTimeSeconds();
        var text = FakeWeChat.Text(1, "hi");
        return new()
        {
            { "forged signature", PushMode.Plaintext, "signature", HttpStatusCode.Unauthorized, "invalid_signature" },
            { "forged msg_signature", PushMode.Safe, "msg_signature", HttpStatusCode.Unauthorized, "invalid_msg_signature" },
            { "replayed (old timestamp)", PushMode.Safe, $"timestamp:{now - 301}", HttpStatusCode.Unauthorized, "timestamp_out_of_window" },
            { "from the future", PushMode.Plaintext, $"timestamp:{now + 301}", HttpStatusCode.Unauthorized, "timestamp_out_of_window" },
            { "encrypted for another app", PushMode.Safe, "receiver", HttpStatusCode.Forbidden, "receiver_id_mismatch" },
            { "encrypted with another key", PushMode.Safe, "key", HttpStatusCode.BadRequest, "decryption_failed" },
            { "billion laughs", PushMode.Plaintext, "body:" + BillionLaughs, HttpStatusCode.BadRequest, "dtd_prohibited" },
            { "external entity", PushMode.Plaintext, "body:" + ExternalEntity, HttpStatusCode.BadRequest, "dtd_prohibited" },
            { "billion laughs inside the ciphertext", PushMode.Safe, "message:" + BillionLaughs, HttpStatusCode.BadRequest, "dtd_prohibited" },
            { "oversized", PushMode.Plaintext, "message:" + text.Replace("hi", new string('x', 9000)), HttpStatusCode.RequestEntityTooLarge, "body_too_large" },
            { "not xml", PushMode.Plaintext, "body:<xml><unclosed>", HttpStatusCode.BadRequest, "malformed_body" },
            { "no MsgType", PushMode.Plaintext, "body:<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime></xml>", HttpStatusCode.BadRequest, "missing_field" },
            { "bad JSON", PushMode.Plaintext, "body:{\"ToUserName\":", HttpStatusCode.BadRequest, "malformed_body" },
        };
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Hostile_pushes_are_rejected_logged_and_counted_and_never_delivered(string attack, PushMode mode, string how, HttpStatusCode status, string error)
    {
        var (kind, value) = how.IndexOf(':') is var colon and > 0 ? (how[..colon], how[(colon + 1)..]) : (how, "");
        var message = kind == "message" ? value : FakeWeChat.Text(1, "hi");
        var tampering = kind switch
        {
            "signature" => new Tampering(Signature: new string('a', 40)),
            "msg_signature" => new Tampering(MsgSignature: new string('b', 40)),
            "timestamp" => new Tampering(Timestamp: long.Parse(value)),
            "receiver" => new Tampering(ReceiverId: "wxsomeoneelse0001"),
            "key" => new Tampering(Key: EncodingAesKey.Generate()),
            "body" => new Tampering(Body: value),
            _ => null,
        };

        var response = await _wechat.PushAsync(message, mode, tampering);

        Assert.True(status == response.StatusCode, $"{attack}: {response.StatusCode} {string.Join("\n", _hub.Logs.Lines)}");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(error, body["error"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(body["message"]!.GetValue<string>()));
        Assert.Equal(1, _hub.Count("rejected", error));
        var line = Assert.Single(_hub.Logs.Lines, l => l.Contains("Refused a WeChat callback"));
        Assert.Contains(Appid, line);
        Assert.Contains(error, line);
        Assert.DoesNotContain(MessageServerHarness.Token, line);
        Assert.DoesNotContain(_wechat.Key!.Value, line);
        Assert.Empty(_subscriber.Received);
        Assert.Empty(await _hub.GetArrayAsync($"/v1/admin/apps/{Appid}/callbacks"));
    }

    [Fact]
    public async Task A_captured_push_replayed_after_the_window_is_refused()
    {
        var captured = _hub.Clock.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(HttpStatusCode.OK, (await _wechat.PushAsync(FakeWeChat.Text(2, "original"), PushMode.Safe)).StatusCode);

        _hub.Clock.Advance(TimeSpan.FromMinutes(6));
        var replayed = await _wechat.PushAsync(FakeWeChat.Text(3, "replayed"), PushMode.Safe, new Tampering(Timestamp: captured));

        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Equal(1, _hub.Count("rejected", "timestamp_out_of_window"));
        Assert.Single(_subscriber.Received);
    }

    [Fact]
    public async Task Pushes_for_unknown_apps_or_apps_without_a_token_are_refused_without_echoing_forged_names()
    {
        var unknown = await _hub.Server.Client.PostAsync("/wechat/callback/wx%0Aforged?signature=a&timestamp=1&nonce=1", new StringContent("<xml/>"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(1, _hub.Count("rejected", "app_not_found"));
        Assert.DoesNotContain(_hub.Logs.Lines, l => l.Contains("wx\nforged"));

        var plain = await _hub.Admin.PostAsync("/v1/admin/apps", new StringContent("""{"appid":"wxnotoken00000001","secret":"s","type":"official_account"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, plain.StatusCode);
        var noToken = await _hub.Server.Client.GetAsync("/wechat/callback/wxnotoken00000001?signature=a&timestamp=1&nonce=1&echostr=e");
        Assert.Equal(HttpStatusCode.NotFound, noToken.StatusCode);
        Assert.Equal("callbacks_not_configured", JsonNode.Parse(await noToken.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }
}
