using System.Text.Json.Serialization;
using WxHub.Protocol.Users;

namespace WxHub.Client;

/// <summary>An app's access token as WxHub serves it. <see cref="Value"/> is a secret: <see cref="ToString"/> leaves it out.</summary>
public sealed record AccessToken(
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("access_token")] string Value,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"AccessToken {{ Appid = {Appid}, ExpiresAt = {ExpiresAt:O} }}";
}

/// <summary>A jsapi or wx_card ticket. <see cref="Value"/> is a secret: <see cref="ToString"/> leaves it out.</summary>
public sealed record Ticket(
    [property: JsonPropertyName("ticket")] string Value,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"Ticket {{ ExpiresAt = {ExpiresAt:O} }}";
}

public enum TicketType
{
    /// <summary>For JS-SDK signatures (<c>wx.config</c>).</summary>
    Jsapi,

    /// <summary>For card signatures.</summary>
    WxCard,
}

/// <summary>What <c>wx.config</c> takes, in its own names.</summary>
public sealed record JsSdkConfig(
    [property: JsonPropertyName("appId")] string AppId,
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("nonceStr")] string NonceStr,
    [property: JsonPropertyName("signature")] string Signature,
    [property: JsonPropertyName("jsApiList")] IReadOnlyList<string>? JsApiList);

/// <summary>Who signed in through WeChat: the answer of an OAuth code exchange. <see cref="User"/> is null for <c>snsapi_base</c>.</summary>
public sealed record SignIn(
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("openid")] string Openid,
    [property: JsonPropertyName("unionid")] string? Unionid,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("user")] WeChatUser? User);

/// <summary>One user of one app in WxHub's UnionID directory.</summary>
public sealed record DirectoryUser(
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("openid")] string Openid,
    [property: JsonPropertyName("unionid")] string? Unionid,
    [property: JsonPropertyName("user")] WeChatUser? User,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt);

/// <summary>Everywhere one person (one UnionID) is known, among the apps the API key may see.</summary>
public sealed record UnionIdIdentities(
    [property: JsonPropertyName("unionid")] string Unionid,
    [property: JsonPropertyName("identities")] IReadOnlyList<AppOpenId> Identities);

public sealed record AppOpenId(
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("openid")] string Openid);
