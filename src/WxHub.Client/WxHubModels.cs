using System.Text.Json.Serialization;

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
    [property: JsonPropertyName("user")] UserProfile? User);

/// <summary>A WeChat user's profile as WeChat gave it; fields WeChat did not send are null.</summary>
public sealed record UserProfile
{
    [JsonPropertyName("openid")] public string? Openid { get; init; }
    [JsonPropertyName("unionid")] public string? Unionid { get; init; }
    [JsonPropertyName("nickname")] public string? Nickname { get; init; }
    [JsonPropertyName("sex")] public int? Sex { get; init; }
    [JsonPropertyName("province")] public string? Province { get; init; }
    [JsonPropertyName("city")] public string? City { get; init; }
    [JsonPropertyName("country")] public string? Country { get; init; }
    [JsonPropertyName("headimgurl")] public string? HeadImgUrl { get; init; }
    [JsonPropertyName("privilege")] public IReadOnlyList<string>? Privilege { get; init; }
    [JsonPropertyName("language")] public string? Language { get; init; }

    /// <summary>1 when following the Official Account, 0 when not.</summary>
    [JsonPropertyName("subscribe")] public int? Subscribe { get; init; }
    [JsonPropertyName("subscribe_time")] public long? SubscribeTime { get; init; }
}

/// <summary>One user of one app in WxHub's UnionID directory.</summary>
public sealed record DirectoryUser(
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("openid")] string Openid,
    [property: JsonPropertyName("unionid")] string? Unionid,
    [property: JsonPropertyName("user")] UserProfile? User,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt);

/// <summary>Everywhere one person (one UnionID) is known, among the apps the API key may see.</summary>
public sealed record UnionIdIdentities(
    [property: JsonPropertyName("unionid")] string Unionid,
    [property: JsonPropertyName("identities")] IReadOnlyList<AppOpenId> Identities);

public sealed record AppOpenId(
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("openid")] string Openid);
