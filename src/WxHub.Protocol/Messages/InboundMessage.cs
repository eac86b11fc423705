using System.Globalization;

namespace WxHub.Protocol.Messages;

/// <summary>
/// A message or event WeChat pushes to the account's server URL, after decryption. Every element of the document,
/// known or not, is in <see cref="Fields"/> (see <see cref="WeChatXml.ReadFields"/> for the keys).
/// </summary>
public abstract record InboundMessage(
    string ToUserName,
    string FromUserName,
    long CreateTime,
    string MsgType,
    long? MsgId,
    IReadOnlyDictionary<string, string> Fields,
    string RawXml)
{
    private protected InboundMessage(XmlFields fields)
        : this(
            fields.Required("ToUserName"),
            fields.Required("FromUserName"),
            fields.RequiredNumber<long>("CreateTime"),
            fields.Required("MsgType"),
            fields.OptionalNumber<long>("MsgId"),
            fields.Values,
            fields.RawXml)
    {
    }

    /// <summary>
    /// The key under which WeChat's retries of this push are recognised: the <c>MsgId</c>, or for events (which have
    /// none) the sender, <c>CreateTime</c> and event name.
    /// </summary>
    public string DeduplicationKey => MsgId is { } id
        ? id.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{FromUserName}#{CreateTime}#{Fields.GetValueOrDefault("Event", MsgType)}");

    /// <summary>Parses a decrypted push into its typed record; unknown message types become <see cref="UnknownMessage"/>.</summary>
    public static XmlParseResult<InboundMessage> Parse(string xml, int maxBytes = WeChatXml.DefaultMaxBytes) =>
        XmlFields.Parse(xml, maxBytes, Create);

    private static InboundMessage Create(XmlFields fields) => fields.Required("MsgType").ToLowerInvariant() switch
    {
        "text" => new TextMessage(fields),
        "image" => new ImageMessage(fields),
        "voice" => new VoiceMessage(fields),
        "video" => new VideoMessage(fields),
        "shortvideo" => new ShortVideoMessage(fields),
        "location" => new LocationMessage(fields),
        "link" => new LinkMessage(fields),
        "event" => EventMessage.Create(fields),
        _ => new UnknownMessage(fields),
    };
}
