using System.Globalization;
using System.Text.Json.Serialization;
using WxHub.Core.Credentials;

namespace WxHub.Server.Business;

public sealed record AccessTokenView(
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_at")] string ExpiresAt,
    [property: JsonPropertyName("expires_in")] long ExpiresIn)
{
    public override string ToString() => $"AccessTokenView {{ Appid = {Appid}, ExpiresAt = {ExpiresAt} }}";
}

public sealed record TicketView(
    [property: JsonPropertyName("ticket")] string Ticket,
    [property: JsonPropertyName("expires_at")] string ExpiresAt,
    [property: JsonPropertyName("expires_in")] long ExpiresIn)
{
    public override string ToString() => $"TicketView {{ ExpiresAt = {ExpiresAt} }}";
}

public sealed record AccessTokenInvalidation([property: JsonPropertyName("access_token")] string? AccessToken)
{
    public override string ToString() => nameof(AccessTokenInvalidation);
}

public sealed record TicketInvalidation([property: JsonPropertyName("ticket")] string? Ticket)
{
    public override string ToString() => nameof(TicketInvalidation);
}

public sealed record SignatureRequest(
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("jsApiList")] List<string>? JsApiList);

/// <summary>What <c>wx.config</c> takes, in its own camel-case names.</summary>
public sealed record SignatureView(
    [property: JsonPropertyName("appId")] string AppId,
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("nonceStr")] string NonceStr,
    [property: JsonPropertyName("signature")] string Signature,
    [property: JsonPropertyName("jsApiList"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] List<string>? JsApiList);

public sealed record AppEventsView(
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("credentials")] List<CredentialStatusView> Credentials,
    [property: JsonPropertyName("events")] List<RefreshEventView> Events);

public sealed record CredentialStatusView(
    [property: JsonPropertyName("credential")] string Credential,
    [property: JsonPropertyName("obtained_at")] string? ObtainedAt,
    [property: JsonPropertyName("expires_at")] string? ExpiresAt,
    [property: JsonPropertyName("next_refresh_at")] string? NextRefreshAt,
    [property: JsonPropertyName("refreshing")] bool Refreshing,
    [property: JsonPropertyName("fault"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FaultView? Fault)
{
    public static CredentialStatusView From(CredentialStatus status) => new(
        WireNames.Of(status.Key.Kind), WireNames.Time(status.ObtainedAt), WireNames.Time(status.ExpiresAt),
        WireNames.Time(status.NextRefreshAt), status.Refreshing, status.Fault is { } f ? FaultView.From(f) : null);
}

public sealed record FaultView(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("errcode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ErrCode,
    [property: JsonPropertyName("since")] string Since,
    [property: JsonPropertyName("retry_at")] string? RetryAt)
{
    public static FaultView From(CredentialFault fault) => new(
        fault.Error, fault.Message, fault.ErrCode, WireNames.Time(fault.Since)!,
        fault.RetryAt == DateTimeOffset.MaxValue ? null : WireNames.Time(fault.RetryAt));
}

public sealed record RefreshEventView(
    [property: JsonPropertyName("credential")] string Credential,
    [property: JsonPropertyName("at")] string At,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("errcode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ErrCode,
    [property: JsonPropertyName("detail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail)
{
    public static RefreshEventView From(RefreshEvent e) => new(
        WireNames.Of(e.Key.Kind), WireNames.Time(e.At)!, e.Reason.ToString().ToLowerInvariant(), e.Outcome.ToString().ToLowerInvariant(), e.ErrCode, e.Detail);
}

/// <summary>How credentials and instants appear on the wire.</summary>
public static class WireNames
{
    public static string Of(CredentialKind kind) => kind switch
    {
        CredentialKind.AccessToken => "access_token",
        CredentialKind.JsapiTicket => "jsapi_ticket",
        CredentialKind.WxCardTicket => "wx_card_ticket",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>RFC 3339 in UTC to the second, e.g. <c>2026-01-01T02:00:00Z</c>.</summary>
    public static string? Time(DateTimeOffset? at) =>
        at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

[JsonSerializable(typeof(AccessTokenView))]
[JsonSerializable(typeof(TicketView))]
[JsonSerializable(typeof(AccessTokenInvalidation))]
[JsonSerializable(typeof(TicketInvalidation))]
[JsonSerializable(typeof(SignatureRequest))]
[JsonSerializable(typeof(SignatureView))]
[JsonSerializable(typeof(AppEventsView))]
internal sealed partial class BusinessJsonContext : JsonSerializerContext;
