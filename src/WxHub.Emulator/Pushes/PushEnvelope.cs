using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using WxHub.Emulator.Apps;
using WxHub.Protocol.Crypto;
using WxHub.Protocol.Messages;
using WxHub.Protocol.Signatures;

namespace WxHub.Emulator.Pushes;

/// <summary>Who a push is made for: the receiver's token and key, and the receive id (its appid, or the platform's).</summary>
internal sealed record PushIdentity(string Token, EncodingAesKey? Key, string ReceiverId);

/// <summary>A push ready to send: where, and what body.</summary>
internal sealed record PushRequest(Uri Url, string? Body);

/// <summary>Wraps a push the way WeChat does in each mode, with the signed query parameters (reference §3.1-3.4).</summary>
internal static class PushEnvelope
{
    /// <summary>
    /// A user message or event: plaintext as is; compatible with an <c>&lt;Encrypt&gt;</c> element added; safe with
    /// only <c>ToUserName</c> and <c>Encrypt</c>. Encrypted modes add <c>encrypt_type=aes</c> and <c>msg_signature</c>.
    /// </summary>
    public static PushRequest Message(Uri url, PushIdentity identity, PushMode mode, string xml, string toUserName, string openId, DateTimeOffset now)
    {
        var (timestamp, nonce) = Stamp(now);
        var query = new Dictionary<string, string?>
        {
            ["signature"] = CallbackSignature.Compute(identity.Token, timestamp, nonce),
            ["timestamp"] = timestamp,
            ["nonce"] = nonce,
            ["openid"] = openId,
        };
        if (mode == PushMode.Plaintext) return new PushRequest(WithQuery(url, query), xml);

        var encrypt = MessageCrypto.Encrypt(identity.Key!, identity.ReceiverId, xml);
        query["encrypt_type"] = "aes";
        query["msg_signature"] = CallbackSignature.ComputeForMessage(identity.Token, timestamp, nonce, encrypt);
        var body = mode == PushMode.Safe
            ? new WeChatXmlBuilder().Text("ToUserName", toUserName).Text("Encrypt", encrypt).Build()
            : xml[..xml.LastIndexOf("</xml>", StringComparison.Ordinal)] + new WeChatXmlBuilder().Text("Encrypt", encrypt).Build()["<xml>".Length..];
        return new PushRequest(WithQuery(url, query), body);
    }

    /// <summary>A platform's system push (ticket, authorization events): always encrypted, enveloped with <c>AppId</c>, no openid.</summary>
    public static PushRequest System(Uri url, PushIdentity identity, string xml, DateTimeOffset now)
    {
        var (timestamp, nonce) = Stamp(now);
        var encrypt = MessageCrypto.Encrypt(identity.Key!, identity.ReceiverId, xml);
        var query = new Dictionary<string, string?>
        {
            ["signature"] = CallbackSignature.Compute(identity.Token, timestamp, nonce),
            ["timestamp"] = timestamp,
            ["nonce"] = nonce,
            ["encrypt_type"] = "aes",
            ["msg_signature"] = CallbackSignature.ComputeForMessage(identity.Token, timestamp, nonce, encrypt),
        };
        return new PushRequest(WithQuery(url, query), new WeChatXmlBuilder().Text("AppId", identity.ReceiverId).Text("Encrypt", encrypt).Build());
    }

    /// <summary>The console's URL check: a GET whose answer must be the echostr, unchanged (plaintext even in safe mode).</summary>
    public static PushRequest Verification(Uri url, string token, string echostr, DateTimeOffset now)
    {
        var (timestamp, nonce) = Stamp(now);
        return new PushRequest(WithQuery(url, new Dictionary<string, string?>
        {
            ["signature"] = CallbackSignature.Compute(token, timestamp, nonce),
            ["timestamp"] = timestamp,
            ["nonce"] = nonce,
            ["echostr"] = echostr,
        }), null);
    }

    public static string Nonce() => RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);

    private static (string Timestamp, string Nonce) Stamp(DateTimeOffset now) =>
        (now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Nonce());

    private static Uri WithQuery(Uri url, IDictionary<string, string?> query) => new(QueryHelpers.AddQueryString(url.ToString(), query));
}
