using System.Text.Json.Serialization;
using WxHub.Core.Messages;

namespace WxHub.Server.Messages;

public sealed record SubscriberCreateBody(
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("secret")] string? Secret,
    [property: JsonPropertyName("events")] List<string>? Events,
    [property: JsonPropertyName("mode")] string? Mode);

/// <summary>A subscriber as the admin API shows it: never its secret.</summary>
public sealed record SubscriberView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt)
{
    public static SubscriberView From(Subscriber s) =>
        new(s.Id, s.Appid, s.Url.ToString(), s.Events, SubscriberAdministration.ModeName(s.Mode), s.CreatedAt);
}

/// <summary>An accepted push and how WeChat was answered (<c>reply_type</c> is the passive reply's MsgType, if any).</summary>
public sealed record CallbackView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("received_at")] DateTimeOffset ReceivedAt,
    [property: JsonPropertyName("msg_type")] string MsgType,
    [property: JsonPropertyName("event")] string? Event,
    [property: JsonPropertyName("from_user_name")] string FromUserName,
    [property: JsonPropertyName("dedup_key")] string DeduplicationKey,
    [property: JsonPropertyName("encryption")] string Encryption,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("reply_type")] string? ReplyType,
    [property: JsonPropertyName("duplicates")] int Duplicates)
{
    public static CallbackView From(CallbackRecord c) => new(
        c.Id, c.ReceivedAt, c.MsgType, c.Event, c.FromUserName, c.DeduplicationKey, Name(c.Encryption), Name(c.Format), Name(c.Outcome),
        c.ReplyXml is null ? null : MsgTypeOf(c.ReplyXml), c.Duplicates);

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string? MsgTypeOf(string replyXml) =>
        Protocol.Messages.WeChatXml.ReadFields(replyXml) is { Succeeded: true } fields ? fields.Value.GetValueOrDefault("MsgType") : null;
}

public sealed record OutboxEntryView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("callback_id")] string CallbackId,
    [property: JsonPropertyName("subscriber_id")] string SubscriberId,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("next_attempt_at")] DateTimeOffset? NextAttemptAt,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("delivered_at")] DateTimeOffset? DeliveredAt)
{
    public static OutboxEntryView From(OutboxEntry e) => new(
        e.Id, e.CallbackId, e.SubscriberId, StateName(e.State), e.Attempts,
        e.State == DeliveryState.Pending ? e.NextAttemptAt : null, e.LastError, e.CreatedAt, e.DeliveredAt);

    public static string StateName(DeliveryState state) => state switch
    {
        DeliveryState.Pending => "pending",
        DeliveryState.InFlight => "in_flight",
        _ => "delivered",
    };
}

[JsonSerializable(typeof(SubscriberCreateBody))]
[JsonSerializable(typeof(SubscriberView))]
[JsonSerializable(typeof(List<SubscriberView>))]
[JsonSerializable(typeof(List<CallbackView>))]
[JsonSerializable(typeof(OutboxEntryView))]
[JsonSerializable(typeof(List<OutboxEntryView>))]
internal sealed partial class MessageAdminJsonContext : JsonSerializerContext;
