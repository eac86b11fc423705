namespace WxHub.Protocol.Messages;

/// <summary>
/// The outer document of an encrypted push: <c>ToUserName</c> for account traffic, <c>AppId</c> for component
/// system pushes, and always <c>Encrypt</c>. In compatible mode the plaintext fields sit beside it and are ignored here.
/// </summary>
public sealed record EncryptedEnvelope(string? ToUserName, string? AppId, string Encrypt)
{
    public static XmlParseResult<EncryptedEnvelope> Parse(string xml, int maxBytes = WeChatXml.DefaultMaxBytes) =>
        XmlFields.Parse(xml, maxBytes, fields =>
            new EncryptedEnvelope(fields.Optional("ToUserName"), fields.Optional("AppId"), fields.Required("Encrypt")));
}
