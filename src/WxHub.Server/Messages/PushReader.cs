using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using WxHub.Core.Messages;
using WxHub.Protocol.Crypto;
using WxHub.Protocol.Messages;
using WxHub.Protocol.Signatures;
using WxHub.Server.Http;

namespace WxHub.Server.Messages;

/// <summary>A push body as WeChat meant it: the plaintext (decrypted in the AES modes), its format and protection, and the key that opened it.</summary>
public sealed record OpenedPush(string Body, PushFormat Format, CallbackEncryption Encryption, EncodingAesKey? Key);

/// <summary>
/// Turns an authenticated push request into a <see cref="Push"/>: reads the body within its bound, and in the AES modes
/// checks <c>msg_signature</c>, decrypts with the current or previous EncodingAESKey and checks the receiver id.
/// </summary>
public sealed class PushReader(IOptions<MessageServerOptions> options)
{
    public async Task<Checked<Push>> ReadAsync(CallbackTarget target, HttpRequest request)
    {
        var opened = await OpenAsync(target, request);
        if (opened.Rejection is not null) return opened.Rejection;
        var (body, format, encryption, key) = opened.Value!;
        var xml = AsXml(body, format, out var rejection);
        if (xml is null) return rejection!;
        var parsed = InboundMessage.Parse(xml, options.Value.MaxBodyBytes);
        return parsed.Succeeded
            ? new Push(parsed.Value, body, format, encryption, key)
            : CallbackRejection.Unreadable(parsed.Error, parsed.Detail, options.Value.MaxBodyBytes);
    }

    /// <summary>Reads and, in the AES modes, verifies and decrypts the body; parsing what it says is the caller's.</summary>
    public async Task<Checked<OpenedPush>> OpenAsync(CallbackTarget target, HttpRequest request)
    {
        var maxBytes = options.Value.MaxBodyBytes;
        if (await BoundedBody.ReadAsync(request.Body, request.ContentLength, maxBytes, request.HttpContext.RequestAborted) is not { } bytes)
            return CallbackRejection.TooLarge(maxBytes);
        var body = Encoding.UTF8.GetString(bytes);
        var format = JsonPush.Detect(body) ? PushFormat.Json : PushFormat.Xml;

        return CallbackAuthenticator.Parameter(request.Query, "encrypt_type") switch
        {
            null or "raw" => new OpenedPush(body, format, CallbackEncryption.Plaintext, null),
            "aes" => Decrypt(target, request.Query, body, format),
            _ => CallbackRejection.UnsupportedEncryptType(),
        };
    }

    private Checked<OpenedPush> Decrypt(CallbackTarget target, IQueryCollection query, string body, PushFormat format)
    {
        if (target.Key is not { } current) return CallbackRejection.EncryptionNotConfigured(target.Appid);
        if (CallbackAuthenticator.Parameter(query, "msg_signature") is not { } msgSignature) return CallbackRejection.MissingParameter("msg_signature");

        var read = Fields(body, format);
        if (read.Rejection is not null) return read.Rejection;
        var envelope = read.Value!;
        if (envelope.GetValueOrDefault("Encrypt") is not { Length: > 0 } encrypt)
            return CallbackRejection.Unreadable(XmlErrorKind.MissingField, "The element <Encrypt> is missing or empty.", options.Value.MaxBodyBytes);
        // The authenticator already checked both parameters are present.
        if (!CallbackSignature.VerifyForMessage(msgSignature, target.Token!, query["timestamp"].ToString(), query["nonce"].ToString(), encrypt))
            return CallbackRejection.InvalidMsgSignature();

        var opened = MessageCrypto.Decrypt(encrypt, target.ReceiverId, current, target.PreviousKey);
        if (opened.Error == MessageCryptoError.ReceiverIdMismatch) return CallbackRejection.ReceiverMismatch();
        if (!opened.Succeeded) return CallbackRejection.DecryptionFailed(opened.Error.ToString());

        // Compatible mode sends the plaintext fields beside Encrypt; only the authenticated, decrypted copy is used.
        var encryption = envelope.ContainsKey("MsgType") ? CallbackEncryption.Compatible : CallbackEncryption.Safe;
        return new OpenedPush(opened.Message!, format, encryption, opened.UsedPreviousKey ? target.PreviousKey : current);
    }

    private Checked<IReadOnlyDictionary<string, string>> Fields(string body, PushFormat format)
    {
        var xml = AsXml(body, format, out var rejection);
        if (xml is null) return rejection!;
        var fields = WeChatXml.ReadFields(xml, options.Value.MaxBodyBytes);
        return fields.Succeeded
            ? new Checked<IReadOnlyDictionary<string, string>>(fields.Value, null)
            : CallbackRejection.Unreadable(fields.Error, fields.Detail, options.Value.MaxBodyBytes);
    }

    private static string? AsXml(string body, PushFormat format, out CallbackRejection? rejection)
    {
        rejection = null;
        if (format == PushFormat.Xml) return body;
        var xml = JsonPush.ToXml(body, out var error);
        if (xml is null) rejection = CallbackRejection.Unreadable(XmlErrorKind.Malformed, error, 0);
        return xml;
    }
}
