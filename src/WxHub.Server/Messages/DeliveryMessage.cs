using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using WxHub.Core.Messages;
using WxHub.Protocol.Messages;

namespace WxHub.Server.Messages;

/// <summary>
/// The message as subscribers receive it (the <c>message</c> member of every delivery): the common fields, every field
/// of the push by name, and the plaintext body as WeChat sent it. <c>msg_id</c> is a string because WeChat's 64-bit ids
/// do not survive JavaScript numbers.
/// </summary>
public sealed record DeliveryMessage(
    [property: JsonPropertyName("msg_type")] string MsgType,
    [property: JsonPropertyName("event")] string? Event,
    [property: JsonPropertyName("to_user_name")] string ToUserName,
    [property: JsonPropertyName("from_user_name")] string FromUserName,
    [property: JsonPropertyName("create_time")] long CreateTime,
    [property: JsonPropertyName("msg_id")] string? MsgId,
    [property: JsonPropertyName("received_at")] DateTimeOffset ReceivedAt,
    [property: JsonPropertyName("encryption")] string Encryption,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("fields")] IReadOnlyDictionary<string, string> Fields,
    [property: JsonPropertyName("raw_xml")] string? RawXml,
    [property: JsonPropertyName("raw_json")] string? RawJson)
{
    public static string Serialize(Push push, DateTimeOffset receivedAt)
    {
        var message = push.Message;
        return JsonSerializer.Serialize(
            new DeliveryMessage(
                message.MsgType, push.Event, message.ToUserName, message.FromUserName, message.CreateTime,
                message.MsgId?.ToString(CultureInfo.InvariantCulture), receivedAt,
                push.Encryption.ToString().ToLowerInvariant(), push.Format.ToString().ToLowerInvariant(), message.Fields,
                push.Format == PushFormat.Xml ? push.Raw : null, push.Format == PushFormat.Json ? push.Raw : null),
            MessagesJsonContext.Relaxed.DeliveryMessage);
    }

    /// <summary>The <c>msg_type</c> of a platform's authorization change; <c>event</c> is WeChat's InfoType.</summary>
    public const string AuthorizationMsgType = "authorization";

    /// <summary>
    /// A platform's <c>authorized</c>, <c>updateauthorized</c> or <c>unauthorized</c> in the shape of every delivery:
    /// <c>to_user_name</c> is the platform, <c>from_user_name</c> the account.
    /// </summary>
    public static string Serialize(AuthorizationNotification notification, DateTimeOffset receivedAt)
    {
        // The authorization code is single-use and already exchanged by WxHub: subscribers do not get it.
        var fields = notification.Fields.Where(f => f.Key is not ("AuthorizationCode" or "PreAuthCode")).ToDictionary();
        return JsonSerializer.Serialize(
            new DeliveryMessage(
                AuthorizationMsgType, notification.InfoType, notification.AppId, notification.AuthorizerAppid, notification.CreateTime, null, receivedAt,
                "safe", "xml", fields, null, null),
            MessagesJsonContext.Relaxed.DeliveryMessage);
    }
}

[JsonSerializable(typeof(DeliveryMessage))]
[JsonSerializable(typeof(BusinessReply))]
internal sealed partial class MessagesJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Deliveries go to the operator's own services, never into HTML, so Chinese text is written as is rather than as
    /// <c>\uXXXX</c> escapes (a third of the size, and readable in logs).
    /// </summary>
    public static MessagesJsonContext Relaxed { get; } = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
