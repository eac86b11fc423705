using System.Text.Json.Serialization;

namespace WxHub.Emulator.OAuth;

internal sealed record OAuthTokenBody(
    string AccessToken,
    int ExpiresIn,
    string RefreshToken,
    [property: JsonPropertyName("openid")] string OpenId,
    string Scope,
    [property: JsonPropertyName("unionid")] string? UnionId);

internal sealed record SnsUserInfoBody(
    [property: JsonPropertyName("openid")] string OpenId,
    string Nickname,
    int Sex,
    string Province,
    string City,
    string Country,
    string Headimgurl,
    IReadOnlyList<string> Privilege,
    [property: JsonPropertyName("unionid")] string? UnionId);

internal sealed record SessionBody(
    [property: JsonPropertyName("openid")] string OpenId,
    string SessionKey,
    [property: JsonPropertyName("unionid")] string? UnionId);
