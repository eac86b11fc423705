using System.Text;
using WxHub.Protocol.Crypto;
using WxHub.Protocol.Errors;
using WxHub.Protocol.Messages;

namespace WxHub.Protocol.Tests;

/// <summary>Whatever arrives, every parser answers with a typed error and nothing escapes.</summary>
public sealed class HostileInputTests
{
    private const string Message =
        "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content></xml>";

    private static readonly string TenMegabytes =
        "<xml><ToUserName>gh</ToUserName><Content>" + new string('a', 10 * 1024 * 1024) + "</Content></xml>";

    public static TheoryData<string, XmlErrorKind> HostileDocuments() => new()
    {
        { "", XmlErrorKind.Malformed },
        { "   \r\n ", XmlErrorKind.Malformed },
        { "success", XmlErrorKind.Malformed },
        { "{\"errcode\":0}", XmlErrorKind.Malformed },
        { "<xml><ToUserName>gh</ToUserName>", XmlErrorKind.Malformed },
        { "<xml></ToUserName></xml>", XmlErrorKind.Malformed },
        { "<xml/><xml/>", XmlErrorKind.Malformed },
        { Message, XmlErrorKind.Malformed },
        { "<?xml version=\"1.0\"?><!DOCTYPE xml><xml><ToUserName>gh</ToUserName></xml>", XmlErrorKind.DtdProhibited },
        { "<!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" + Message, XmlErrorKind.DtdProhibited },
        { "<!DOCTYPE xml [<!ENTITY xxe SYSTEM \"http://127.0.0.1:1/evil\">]>" + Message, XmlErrorKind.DtdProhibited },
        { BillionLaughs(), XmlErrorKind.DtdProhibited },
        { "<?xml version=\"1.0\"?>\n<!DOCTYPE xml [<!ENTITY e \"x\">]>\n" + Message, XmlErrorKind.DtdProhibited },
        { new string('<', 1) + string.Concat(Enumerable.Repeat("<a>", 100)) + string.Concat(Enumerable.Repeat("</a>", 100)), XmlErrorKind.Malformed },
        { "<xml>" + string.Concat(Enumerable.Repeat("<a>", 100)) + "x" + string.Concat(Enumerable.Repeat("</a>", 100)) + "</xml>", XmlErrorKind.Malformed },
        { TenMegabytes, XmlErrorKind.TooLarge },
        { "<xml><Content>" + new string('文', WeChatXml.DefaultMaxBytes / 3 + 1) + "</Content></xml>", XmlErrorKind.TooLarge },
    };

    [Theory]
    [MemberData(nameof(HostileDocuments))]
    public void Every_parser_answers_hostile_documents_with_a_typed_error(string xml, XmlErrorKind expected)
    {
        Assert.Equal(expected, WeChatXml.ReadFields(xml).Error);
        AssertFailed(InboundMessage.Parse(xml), expected);
        AssertFailed(ComponentNotification.Parse(xml), expected);
        AssertFailed(EncryptedEnvelope.Parse(xml), expected);
        AssertFailed(EncryptedReply.Open(xml, EncodingAesKey.Generate(), "token", "wx"), expected);
    }

    [Fact]
    public void Whitespace_around_the_root_is_no_field()
    {
        var fields = WeChatXml.ReadFields("<?xml version=\"1.0\"?>\n<xml><ToUserName>gh</ToUserName></xml>\n");
        Assert.True(fields.Succeeded);
        Assert.Equal("gh", Assert.Single(fields.Value).Value);
    }

    [Fact]
    public void Null_is_a_malformed_document()
    {
        Assert.Equal(XmlErrorKind.Malformed, WeChatXml.ReadFields(null).Error);
        Assert.Equal(XmlErrorKind.Malformed, InboundMessage.Parse(null!).Error);
    }

    [Fact]
    public void The_size_limit_counts_utf8_bytes_and_can_be_lowered()
    {
        var xml = "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>你好</Content></xml>";
        var bytes = Encoding.UTF8.GetByteCount(xml);
        Assert.True(InboundMessage.Parse(xml, maxBytes: bytes).Succeeded);
        Assert.Equal(XmlErrorKind.TooLarge, InboundMessage.Parse(xml, maxBytes: bytes - 1).Error);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        var xml = "<xml>" + string.Concat(Enumerable.Repeat("<a>", 15)) + "x" + string.Concat(Enumerable.Repeat("</a>", 15)) + "</xml>";
        var fields = WeChatXml.ReadFields(xml);
        Assert.True(fields.Succeeded, fields.Detail);
        Assert.Equal("x", Assert.Single(fields.Value).Value);
    }

    public static TheoryData<string, string, MessageCryptoError> HostileCiphertexts() => new()
    {
        { "not base64 at all!", Vectors.Own.AppId, MessageCryptoError.InvalidBase64 },
        { "====", Vectors.Own.AppId, MessageCryptoError.InvalidBase64 },
        { Vectors.Own.Encrypt[..^3], Vectors.Own.AppId, MessageCryptoError.InvalidBase64 },
        { Vectors.Own.Encrypt[..100], Vectors.Own.AppId, MessageCryptoError.InvalidCiphertextLength },
        { Convert.ToBase64String(new byte[16]), Vectors.Own.AppId, MessageCryptoError.InvalidCiphertextLength },
        { Convert.ToBase64String(new byte[40]), Vectors.Own.AppId, MessageCryptoError.InvalidCiphertextLength },
        { Convert.ToBase64String(Convert.FromBase64String(Vectors.Own.Encrypt)[..^16]), Vectors.Own.AppId, MessageCryptoError.InvalidPadding },
        { Vectors.Own.Encrypt, "wx0000000000000000", MessageCryptoError.ReceiverIdMismatch },
    };

    [Theory]
    [MemberData(nameof(HostileCiphertexts))]
    public void Hostile_ciphertexts_give_typed_errors_directly_and_inside_an_envelope(string encrypt, string receiverId, MessageCryptoError expected)
    {
        var key = EncodingAesKey.Parse(Vectors.Own.EncodingAesKey);
        var result = MessageCrypto.Decrypt(encrypt, receiverId, key, EncodingAesKey.Generate());
        Assert.Equal(expected, result.Error);
        Assert.Null(result.Message);

        var envelope = new WeChatXmlBuilder()
            .Text("Encrypt", encrypt)
            .Text("MsgSignature", Signatures.CallbackSignature.ComputeForMessage(Vectors.Own.Token, Vectors.Own.Timestamp, Vectors.Own.Nonce, encrypt))
            .Bare("TimeStamp", Vectors.Own.Timestamp)
            .Text("Nonce", Vectors.Own.Nonce)
            .Build();
        var opened = EncryptedReply.Open(envelope, key, Vectors.Own.Token, receiverId);
        AssertFailed(opened, XmlErrorKind.DecryptionFailed);
        Assert.Contains(expected.ToString(), opened.Detail);
    }

    [Fact]
    public void An_empty_ciphertext_is_a_typed_error()
    {
        Assert.Equal(MessageCryptoError.InvalidCiphertextLength, MessageCrypto.Decrypt("", "wx", EncodingAesKey.Generate()).Error);
    }

    [Fact]
    public void A_ten_megabyte_ciphertext_is_only_a_failed_decryption()
    {
        var huge = Convert.ToBase64String(new byte[10 * 1024 * 1024]);
        var result = MessageCrypto.Decrypt(huge, "wx", EncodingAesKey.Generate(), EncodingAesKey.Generate());
        Assert.False(result.Succeeded);
        Assert.Equal(MessageCryptoError.InvalidPadding, result.Error);
    }

    [Fact]
    public void Randomly_damaged_documents_never_throw()
    {
        string[] damage = ["<", ">", "&", "&#0;", "&lt", "]]>", "<![CDATA[", "\0", "\uD800", "<!DOCTYPE x>", "</xml>", "<xml>", "\"", "{", "}", ":"];
        var valid = new TextReply("hello").ToXml("oUSER", "gh_x", 1700000000);
        var json = """{"errcode":40164,"errmsg":"invalid ip 1.2.3.4, not in whitelist"}""";
        var key = EncodingAesKey.Generate();
        var random = new Random(RandomInputs.Seed);
        for (var i = 0; i < RandomInputs.Cases; i++)
        {
            var xml = Damage(random, valid, damage);
            var parsed = InboundMessage.Parse(xml);
            Assert.Equal(parsed.Succeeded, parsed.Error == XmlErrorKind.None);
            _ = ComponentNotification.Parse(xml);
            _ = EncryptedEnvelope.Parse(xml);
            _ = EncryptedReply.Open(xml, key, "token", "wx");
            _ = WeChatJson.ReadStatus(Encoding.UTF8.GetBytes(Damage(random, json, damage)));
            _ = MessageCrypto.Decrypt(Damage(random, Vectors.Own.Encrypt, damage), Vectors.Own.AppId, key);
        }
    }

    private static string Damage(Random random, string text, string[] damage)
    {
        var damaged = new StringBuilder(text);
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var at = random.Next(damaged.Length);
            switch (random.Next(3))
            {
                case 0:
                    damaged.Remove(at, Math.Min(random.Next(1, 8), damaged.Length - at));
                    break;
                case 1:
                    damaged.Insert(at, damage[random.Next(damage.Length)]);
                    break;
                default:
                    damaged[at] = (char)random.Next(0, 0x3000);
                    break;
            }
        }
        return damaged.ToString();
    }

    private static void AssertFailed<T>(XmlParseResult<T> result, XmlErrorKind expected)
    {
        Assert.False(result.Succeeded);
        Assert.Equal(expected, result.Error);
        Assert.False(string.IsNullOrEmpty(result.Detail));
        Assert.Null(result.Value);
    }

    private static string BillionLaughs()
    {
        var dtd = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (var i = 1; i <= 9; i++)
        {
            dtd.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat(i == 1 ? "&lol;" : $"&lol{i - 1};", 10))}\">");
        }
        return dtd.Append("]><xml><Content>&lol9;</Content></xml>").ToString();
    }
}
