using System.Text.Json.Serialization;
using WxHub.Core.Identity;

namespace WxHub.Core.WeChat;

/// <summary>A web authorization token (<c>/sns/oauth2/access_token</c>, <c>refresh_token</c>); not the app's access token.</summary>
public sealed record SnsToken(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("openid")] string? Openid,
    [property: JsonPropertyName("scope")] string? Scope,
    [property: JsonPropertyName("unionid")] string? Unionid)
{
    public override string ToString() => $"SnsToken {{ Openid = {Openid}, Scope = {Scope} }}";
}

/// <summary>A Mini Program login (<c>jscode2session</c>).</summary>
public sealed record JsCodeSession(
    [property: JsonPropertyName("openid")] string? Openid,
    [property: JsonPropertyName("session_key")] string? SessionKey,
    [property: JsonPropertyName("unionid")] string? Unionid)
{
    public override string ToString() => $"JsCodeSession {{ Openid = {Openid} }}";
}

/// <summary>One page of <c>/cgi-bin/user/get</c>.</summary>
public sealed record FollowerPage(
    [property: JsonPropertyName("total")] long Total,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("data")] FollowerPageData? Data,
    [property: JsonPropertyName("next_openid")] string? NextOpenid)
{
    public IReadOnlyList<string> Openids => Data?.Openid ?? [];
}

public sealed record FollowerPageData([property: JsonPropertyName("openid")] IReadOnlyList<string>? Openid);

internal sealed record UserInfoList([property: JsonPropertyName("user_info_list")] IReadOnlyList<WeChatUser>? Users);

internal sealed record BatchGetRequest([property: JsonPropertyName("user_list")] IReadOnlyList<BatchGetEntry> Users);

internal sealed record BatchGetEntry(
    [property: JsonPropertyName("openid")] string Openid,
    [property: JsonPropertyName("lang")] string Lang);

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(SnsToken))]
[JsonSerializable(typeof(JsCodeSession))]
[JsonSerializable(typeof(FollowerPage))]
[JsonSerializable(typeof(WeChatUser))]
[JsonSerializable(typeof(UserInfoList))]
[JsonSerializable(typeof(BatchGetRequest))]
internal sealed partial class WeChatIdentityJsonContext : JsonSerializerContext;
