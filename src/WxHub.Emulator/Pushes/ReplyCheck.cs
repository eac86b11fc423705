using WxHub.Emulator.Apps;
using WxHub.Protocol.Messages;

namespace WxHub.Emulator.Pushes;

/// <summary>
/// Judges a reply to a user message as WeChat would (reference §3.6, §3.9). <c>success</c> or an empty body
/// acknowledges; anything else must be a passive reply addressed back to the sender, encrypted in safe mode, plain in
/// plaintext mode, either in compatible mode. Unconfirmed points take the stricter side: in safe mode a plain
/// <c>success</c> is refused (reply with an empty body instead), and a news reply to a user message has one article.
/// </summary>
internal static class ReplyCheck
{
    private const int MaxArticlesForEvents = 8;

    private static readonly Dictionary<string, string?> RequiredByType = new(StringComparer.Ordinal)
    {
        ["text"] = "Content",
        ["image"] = "Image/MediaId",
        ["voice"] = "Voice/MediaId",
        ["video"] = "Video/MediaId",
        ["music"] = "Music/ThumbMediaId",
        ["news"] = "ArticleCount",
        ["transfer_customer_service"] = null,
    };

    /// <param name="pushed">The message that was pushed: its sender and account, and whether it was an event.</param>
    public static ReplyVerdict Check(string body, PushMode mode, PushIdentity identity, InboundMessage pushed)
    {
        if (body.Length == 0) return ReplyVerdict.Acknowledged(body);
        if (body == "success")
            return mode == PushMode.Safe
                ? ReplyVerdict.Invalid(body, "a plain 'success' in safe mode is not confirmed to be accepted; answer with an empty body or an encrypted reply")
                : ReplyVerdict.Acknowledged(body);

        var envelope = EncryptedEnvelope.Parse(body);
        if (envelope.Succeeded && body.Contains("<MsgSignature>", StringComparison.Ordinal))
        {
            if (mode == PushMode.Plaintext) return ReplyVerdict.Invalid(body, "an encrypted reply in plaintext mode; reply in plain XML");
            var opened = EncryptedReply.Open(body, identity.Key!, identity.Token, identity.ReceiverId);
            return opened.Succeeded
                ? CheckReplyXml(opened.Value, pushed)
                : ReplyVerdict.Invalid(body, $"the encrypted reply was refused ({opened.Error}): {opened.Detail}");
        }
        if (mode == PushMode.Safe) return ReplyVerdict.Invalid(body, "a plain reply in safe mode; replies must be encrypted envelopes (Encrypt, MsgSignature, TimeStamp, Nonce)");
        return CheckReplyXml(body, pushed);
    }

    private static ReplyVerdict CheckReplyXml(string xml, InboundMessage pushed)
    {
        var read = WeChatXml.ReadFields(xml);
        if (!read.Succeeded) return ReplyVerdict.Invalid(xml, $"the reply is not WeChat XML ({read.Error}): {read.Detail}");
        var fields = read.Value;
        string? Field(string name) => fields.GetValueOrDefault(name);

        if (Field("ToUserName") != pushed.FromUserName)
            return ReplyVerdict.Invalid(xml, $"ToUserName must be the sender's OpenID ({pushed.FromUserName})");
        if (Field("FromUserName") != pushed.ToUserName)
            return ReplyVerdict.Invalid(xml, $"FromUserName must be the account's original id ({pushed.ToUserName})");
        if (!long.TryParse(Field("CreateTime"), out _))
            return ReplyVerdict.Invalid(xml, "CreateTime must be a whole number of seconds");
        var type = Field("MsgType");
        if (type is null || !RequiredByType.TryGetValue(type, out var required))
            return ReplyVerdict.Invalid(xml, $"MsgType must be one of {string.Join(", ", RequiredByType.Keys)}");
        if (required is not null && string.IsNullOrEmpty(Field(required)))
            return ReplyVerdict.Invalid(xml, $"a {type} reply needs {required}");
        if (type == "news" && CheckArticles(fields, pushed) is { } problem)
            return ReplyVerdict.Invalid(xml, problem);
        return ReplyVerdict.Replied(xml);
    }

    private static string? CheckArticles(IReadOnlyDictionary<string, string> fields, InboundMessage pushed)
    {
        var items = fields.Keys
            .Where(k => k.StartsWith("Articles/item", StringComparison.Ordinal))
            .Select(ItemOf)
            .Distinct()
            .Count();
        if (!int.TryParse(fields["ArticleCount"], out var count) || count != items)
            return $"ArticleCount says {fields["ArticleCount"]} but there are {items} articles";
        var limit = pushed.MsgType == "event" ? MaxArticlesForEvents : 1;
        return items >= 1 && items <= limit ? null : $"a news reply to this {pushed.MsgType} may have 1 to {limit} articles";
    }

    /// <summary>"Articles/item[2]/Title" belongs to "Articles/item[2]".</summary>
    private static string ItemOf(string key)
    {
        var slash = key.IndexOf('/', "Articles/".Length);
        return slash < 0 ? key : key[..slash];
    }
}
