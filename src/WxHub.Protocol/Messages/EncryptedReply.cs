using WxHub.Protocol.Crypto;
using WxHub.Protocol.Signatures;

namespace WxHub.Protocol.Messages;

/// <summary>
/// The encrypted passive reply used in safe mode:
/// <c>&lt;xml&gt;&lt;Encrypt/&gt;&lt;MsgSignature/&gt;&lt;TimeStamp/&gt;&lt;Nonce/&gt;&lt;/xml&gt;</c>, where MsgSignature
/// covers the token, TimeStamp, Nonce and Encrypt inside the envelope.
/// </summary>
public static class EncryptedReply
{
    /// <summary>Encrypts <paramref name="replyXml"/> with a fresh random prefix and wraps it in a signed envelope.</summary>
    public static string Build(EncodingAesKey key, string token, string receiverId, string replyXml, string timestamp, string nonce) =>
        Envelope(token, timestamp, nonce, MessageCrypto.Encrypt(key, receiverId, replyXml));

    /// <summary>As <see cref="Build(EncodingAesKey, string, string, string, string, string)"/> with a given 16-byte prefix.</summary>
    public static string Build(
        EncodingAesKey key, string token, string receiverId, string replyXml, string timestamp, string nonce, ReadOnlySpan<byte> random16) =>
        Envelope(token, timestamp, nonce, MessageCrypto.Encrypt(key, receiverId, replyXml, random16));

    /// <summary>
    /// Reads an envelope, verifies its MsgSignature and decrypts it, giving the reply XML. This is what WeChat does with
    /// a reply (the emulator uses it); every failure is typed.
    /// </summary>
    public static XmlParseResult<string> Open(string envelopeXml, EncodingAesKey key, string token, string receiverId) =>
        XmlFields.Parse(envelopeXml, WeChatXml.DefaultMaxBytes, fields =>
        {
            var encrypt = fields.Required("Encrypt");
            if (!CallbackSignature.VerifyForMessage(
                    fields.Required("MsgSignature"), token, fields.Required("TimeStamp"), fields.Required("Nonce"), encrypt))
            {
                throw new XmlContentException(XmlErrorKind.InvalidSignature, "The MsgSignature does not match the envelope.");
            }
            var opened = MessageCrypto.Decrypt(encrypt, receiverId, key);
            return opened.Succeeded
                ? opened.Message!
                : throw new XmlContentException(XmlErrorKind.DecryptionFailed, $"The Encrypt value did not decrypt: {opened.Error}.");
        });

    private static string Envelope(string token, string timestamp, string nonce, string encrypt) => new WeChatXmlBuilder()
        .Text("Encrypt", encrypt)
        .Text("MsgSignature", CallbackSignature.ComputeForMessage(token, timestamp, nonce, encrypt))
        .Bare("TimeStamp", timestamp)
        .Text("Nonce", nonce)
        .Build();
}
