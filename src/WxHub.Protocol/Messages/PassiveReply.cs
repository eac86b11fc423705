namespace WxHub.Protocol.Messages;

/// <summary>
/// A passive reply: the XML body answering a push. <c>toUser</c> is the user's openid (the push's FromUserName) and
/// <c>fromUser</c> the account's original id (the push's ToUserName).
/// </summary>
public abstract record PassiveReply
{
    private protected PassiveReply()
    {
    }

    /// <summary>The reply's MsgType.</summary>
    public abstract string MsgType { get; }

    public string ToXml(string toUser, string fromUser, long createTime)
    {
        var xml = new WeChatXmlBuilder()
            .Text("ToUserName", toUser)
            .Text("FromUserName", fromUser)
            .Number("CreateTime", createTime)
            .Text("MsgType", MsgType);
        WriteBody(xml);
        return xml.Build();
    }

    private protected abstract void WriteBody(WeChatXmlBuilder xml);
}

/// <summary>MsgType <c>text</c>.</summary>
public sealed record TextReply(string Content) : PassiveReply
{
    public override string MsgType => "text";

    private protected override void WriteBody(WeChatXmlBuilder xml) => xml.Text("Content", Content);
}

/// <summary>MsgType <c>image</c>; the media must have been uploaded first.</summary>
public sealed record ImageReply(string MediaId) : PassiveReply
{
    public override string MsgType => "image";

    private protected override void WriteBody(WeChatXmlBuilder xml) => xml.Start("Image").Text("MediaId", MediaId).End();
}

/// <summary>MsgType <c>voice</c>; the media must have been uploaded first.</summary>
public sealed record VoiceReply(string MediaId) : PassiveReply
{
    public override string MsgType => "voice";

    private protected override void WriteBody(WeChatXmlBuilder xml) => xml.Start("Voice").Text("MediaId", MediaId).End();
}

/// <summary>MsgType <c>video</c>; title and description are optional.</summary>
public sealed record VideoReply(string MediaId, string? Title = null, string? Description = null) : PassiveReply
{
    public override string MsgType => "video";

    private protected override void WriteBody(WeChatXmlBuilder xml) =>
        xml.Start("Video").Text("MediaId", MediaId).Text("Title", Title).Text("Description", Description).End();
}

/// <summary>MsgType <c>music</c>; only the thumbnail is required.</summary>
public sealed record MusicReply(
    string ThumbMediaId,
    string? Title = null,
    string? Description = null,
    string? MusicUrl = null,
    string? HqMusicUrl = null) : PassiveReply
{
    public override string MsgType => "music";

    private protected override void WriteBody(WeChatXmlBuilder xml) => xml
        .Start("Music")
        .Text("Title", Title)
        .Text("Description", Description)
        .Text("MusicUrl", MusicUrl)
        .Text("HQMusicUrl", HqMusicUrl)
        .Text("ThumbMediaId", ThumbMediaId)
        .End();
}

/// <summary>One article of a <see cref="NewsReply"/>.</summary>
public sealed record NewsArticle(string Title, string? Description = null, string? PicUrl = null, string? Url = null);

/// <summary>
/// MsgType <c>news</c>. WeChat shows at most <see cref="MaxArticles"/> articles, and only
/// <see cref="MaxArticlesInReplyToMessage"/> when answering a user's message rather than an event; it drops the rest,
/// and so does <see cref="PassiveReply.ToXml"/> (use <see cref="For"/> to apply the tighter limit).
/// </summary>
public sealed record NewsReply : PassiveReply
{
    /// <summary>The most articles WeChat shows in a reply to an event.</summary>
    public const int MaxArticles = 8;

    /// <summary>The most articles WeChat shows in a reply to a user's message.</summary>
    public const int MaxArticlesInReplyToMessage = 1;

    /// <exception cref="ArgumentException">There is no article.</exception>
    public NewsReply(IReadOnlyList<NewsArticle> articles)
    {
        ArgumentNullException.ThrowIfNull(articles);
        if (articles.Count == 0)
        {
            throw new ArgumentException("A news reply needs at least one article.", nameof(articles));
        }
        Articles = articles;
    }

    public IReadOnlyList<NewsArticle> Articles { get; }

    public override string MsgType => "news";

    /// <summary>This reply cut to what WeChat will show in answer to <paramref name="request"/>.</summary>
    public NewsReply For(InboundMessage request)
    {
        var limit = request is EventMessage ? MaxArticles : MaxArticlesInReplyToMessage;
        return Articles.Count <= limit ? this : new NewsReply(Articles.Take(limit).ToArray());
    }

    private protected override void WriteBody(WeChatXmlBuilder xml)
    {
        var shown = Math.Min(Articles.Count, MaxArticles);
        xml.Number("ArticleCount", shown).Start("Articles");
        foreach (var article in Articles.Take(shown))
        {
            xml.Start("item")
                .Text("Title", article.Title)
                .Text("Description", article.Description)
                .Text("PicUrl", article.PicUrl)
                .Text("Url", article.Url)
                .End();
        }
        xml.End();
    }
}

/// <summary>
/// MsgType <c>transfer_customer_service</c>: hands the conversation to the customer-service system, optionally to a
/// named agent.
/// </summary>
public sealed record TransferCustomerServiceReply(string? KfAccount = null) : PassiveReply
{
    public override string MsgType => "transfer_customer_service";

    private protected override void WriteBody(WeChatXmlBuilder xml)
    {
        if (KfAccount is not null)
        {
            xml.Start("TransInfo").Text("KfAccount", KfAccount).End();
        }
    }
}
