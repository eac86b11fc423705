using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using WxHub.Protocol.Crypto;
using WxHub.Protocol.Messages;
using WxHub.Protocol.Signatures;

namespace WxHub.Server.Tests.Messages;

public enum PushMode { Plaintext, Compatible, Safe }

/// <summary>Ways a test spoils a push, to play an attacker or a misconfigured WeChat.</summary>
public sealed record Tampering(
    long? Timestamp = null,
    string? Signature = null,
    string? MsgSignature = null,
    string? ReceiverId = null,
    EncodingAesKey? Key = null,
    string? Body = null);

/// <summary>
/// WeChat's side of the callback protocol, built from WxHub.Protocol: signs URL checks, encrypts and signs pushes in
/// each mode, and opens encrypted replies as WeChat would. Real HTTP to the real server.
/// </summary>
public sealed class FakeWeChat(HttpClient client, string appid, string token, EncodingAesKey? key, TimeProvider clock)
{
    public const string OriginalId = "gh_0123456789ab";

    public string Appid => appid;

    public EncodingAesKey? Key { get; set; } = key;

    public Task<HttpResponseMessage> VerifyUrlAsync(string echostr, Tampering? tampering = null)
    {
        var (timestamp, nonce, signature) = Sign(tampering);
        return client.GetAsync($"/wechat/callback/{appid}?signature={signature}&timestamp={timestamp}&nonce={nonce}&echostr={Uri.EscapeDataString(echostr)}");
    }

    /// <summary>Pushes <paramref name="message"/> (XML, or JSON when it starts with '{') as WeChat does in <paramref name="mode"/>.</summary>
    public Task<HttpResponseMessage> PushAsync(string message, PushMode mode, Tampering? tampering = null)
    {
        var (timestamp, nonce, signature) = Sign(tampering);
        var json = message.StartsWith('{');
        var query = $"signature={signature}&timestamp={timestamp}&nonce={nonce}&openid=oUSER";
        string body;
        if (mode == PushMode.Plaintext)
        {
            body = message;
        }
        else
        {
            var encrypt = MessageCrypto.Encrypt(tampering?.Key ?? Key!, tampering?.ReceiverId ?? appid, message);
            var msgSignature = tampering?.MsgSignature ?? CallbackSignature.ComputeForMessage(token, timestamp, nonce, encrypt);
            query += $"&encrypt_type=aes&msg_signature={msgSignature}";
            body = (mode, json) switch
            {
                (PushMode.Safe, false) => new WeChatXmlBuilder().Text("ToUserName", OriginalId).Text("Encrypt", encrypt).Build(),
                (PushMode.Safe, true) => $$"""{"ToUserName":"{{OriginalId}}","Encrypt":"{{encrypt}}"}""",
                (_, false) => message.Replace("</xml>", $"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"),
                (_, true) => message.TrimEnd('}') + $$""","Encrypt":"{{encrypt}}"}""",
            };
        }
        var content = new StringContent(tampering?.Body ?? body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(json ? "application/json" : "text/xml");
        return client.PostAsync($"/wechat/callback/{appid}?{query}", content);
    }

    /// <summary>The passive reply XML in a response, decrypted and its signature checked in the AES modes; null for an acknowledgement.</summary>
    public async Task<string?> ReplyAsync(HttpResponseMessage response, PushMode mode)
    {
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStringAsync();
        if (body == (mode == PushMode.Safe ? "" : "success")) return null;
        if (mode == PushMode.Plaintext) return body;
        var opened = EncryptedReply.Open(body, Key!, token, appid);
        Assert.True(opened.Succeeded, $"The encrypted reply did not open: {opened.Error} {opened.Detail}");
        return opened.Value;
    }

    public static string Text(long msgId, string content, string from = "oUSER", long createTime = 1_767_225_600) =>
        new WeChatXmlBuilder().Text("ToUserName", OriginalId).Text("FromUserName", from).Number("CreateTime", createTime)
            .Text("MsgType", "text").Text("Content", content).Number("MsgId", msgId).Build();

    public static string Event(string name, string from = "oUSER", long createTime = 1_767_225_600, string? eventKey = null) =>
        new WeChatXmlBuilder().Text("ToUserName", OriginalId).Text("FromUserName", from).Number("CreateTime", createTime)
            .Text("MsgType", "event").Text("Event", name).Text("EventKey", eventKey).Build();

    private (string Timestamp, string Nonce, string Signature) Sign(Tampering? tampering)
    {
        var timestamp = (tampering?.Timestamp ?? clock.GetUtcNow().ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        var nonce = RandomNumberGenerator.GetString("0123456789", 9);
        return (timestamp, nonce, tampering?.Signature ?? CallbackSignature.Compute(token, timestamp, nonce));
    }
}
