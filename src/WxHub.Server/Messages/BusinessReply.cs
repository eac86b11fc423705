using System.Text.Json;
using System.Text.Json.Serialization;
using WxHub.Protocol.Messages;

namespace WxHub.Server.Messages;

public sealed record BusinessArticle(
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("pic_url")] string? PicUrl,
    [property: JsonPropertyName("url")] string? Url);

/// <summary>
/// What a sync subscriber answers to have WxHub reply to the user: <c>{"type": "text", "content": "…"}</c> and the like
/// (see docs/message-server.md). An empty body, <c>{}</c> or <c>"type": "none"</c> means no reply.
/// </summary>
public sealed record BusinessReply(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("content")] string? Content,
    [property: JsonPropertyName("media_id")] string? MediaId,
    [property: JsonPropertyName("thumb_media_id")] string? ThumbMediaId,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("music_url")] string? MusicUrl,
    [property: JsonPropertyName("hq_music_url")] string? HqMusicUrl,
    [property: JsonPropertyName("articles")] List<BusinessArticle>? Articles,
    [property: JsonPropertyName("kf_account")] string? KfAccount)
{
    /// <summary>
    /// The passive reply a subscriber's answer asks for, shaped for <paramref name="request"/> (news is cut to what WeChat
    /// shows); null when it asks for none. <paramref name="problem"/> says why an answer was unusable.
    /// </summary>
    public static PassiveReply? ToPassiveReply(string? body, InboundMessage request, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(body)) return null;
        BusinessReply? reply;
        try
        {
            reply = JsonSerializer.Deserialize(body, MessagesJsonContext.Default.BusinessReply);
        }
        catch (JsonException e)
        {
            problem = $"the answer is not a JSON reply object: {e.Message}";
            return null;
        }
        if (reply is null) return null;

        PassiveReply? passive = reply.Type switch
        {
            null or "none" => null,
            "text" when !string.IsNullOrEmpty(reply.Content) => new TextReply(reply.Content),
            "image" when !string.IsNullOrEmpty(reply.MediaId) => new ImageReply(reply.MediaId),
            "voice" when !string.IsNullOrEmpty(reply.MediaId) => new VoiceReply(reply.MediaId),
            "video" when !string.IsNullOrEmpty(reply.MediaId) => new VideoReply(reply.MediaId, reply.Title, reply.Description),
            "music" when !string.IsNullOrEmpty(reply.ThumbMediaId) => new MusicReply(reply.ThumbMediaId, reply.Title, reply.Description, reply.MusicUrl, reply.HqMusicUrl),
            "news" when reply.Articles is { Count: > 0 } articles && articles.All(a => !string.IsNullOrEmpty(a.Title)) =>
                new NewsReply(articles.Select(a => new NewsArticle(a.Title!, a.Description, a.PicUrl, a.Url)).ToArray()).For(request),
            "transfer_customer_service" => new TransferCustomerServiceReply(reply.KfAccount),
            _ => Unusable(reply.Type, out problem),
        };
        return passive;
    }

    private static PassiveReply? Unusable(string type, out string problem)
    {
        problem = type is "text" or "image" or "voice" or "video" or "music" or "news"
            ? $"a '{type}' reply lacks its required field (text: content; image, voice, video: media_id; music: thumb_media_id; news: articles with titles)"
            : $"'{type}' is not a reply type (text, image, voice, video, music, news, transfer_customer_service or none)";
        return null;
    }
}
