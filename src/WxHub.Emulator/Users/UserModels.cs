using System.Text.Json.Serialization;

namespace WxHub.Emulator.Users;

/// <summary>A user as <c>/cgi-bin/user/info</c> shows them: a non-follower shows only the OpenID (and UnionID).</summary>
internal sealed record UserInfoBody(
    int Subscribe,
    [property: JsonPropertyName("openid")] string OpenId,
    string? Language,
    long? SubscribeTime,
    [property: JsonPropertyName("unionid")] string? UnionId,
    string? Remark,
    int? Groupid,
    IReadOnlyList<int>? TagidList,
    string? SubscribeScene,
    int? QrScene,
    string? QrSceneStr);

internal sealed record UserInfoListBody(IReadOnlyList<UserInfoBody> UserInfoList);

internal sealed record BatchGetRequest(IReadOnlyList<BatchGetEntry>? UserList);

internal sealed record BatchGetEntry([property: JsonPropertyName("openid")] string? OpenId, string? Lang);

internal sealed record FollowerPage([property: JsonPropertyName("openid")] IReadOnlyList<string> OpenId);

internal sealed record FollowerListBody(int Total, int Count, FollowerPage? Data, [property: JsonPropertyName("next_openid")] string NextOpenId);
