using System.Text.Json.Serialization;

namespace WxHub.Core.Identity;

/// <summary>
/// A WeChat user as <c>/sns/userinfo</c> (web authorization) or <c>/cgi-bin/user/info</c> (followers) describes them,
/// with WeChat's field names. Every field is optional: which ones WeChat fills depends on the API and the account.
/// </summary>
public sealed record WeChatUser
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

    /// <summary>1 when following the Official Account, 0 when not (then WeChat gives little more than the openid).</summary>
    [JsonPropertyName("subscribe")] public int? Subscribe { get; init; }
    [JsonPropertyName("subscribe_time")] public long? SubscribeTime { get; init; }
    [JsonPropertyName("subscribe_scene")] public string? SubscribeScene { get; init; }
    [JsonPropertyName("remark")] public string? Remark { get; init; }
    [JsonPropertyName("tagid_list")] public IReadOnlyList<int>? TagIds { get; init; }
}
