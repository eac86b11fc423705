using System.Text.Json;
using System.Text.Json.Serialization;

namespace WxHub.Emulator.Users;

internal sealed record UserRegistration(string? Id, IReadOnlyList<string>? Apps, string? Nickname);

internal sealed record UserView(
    string Id,
    string Nickname,
    [property: JsonPropertyName("openids")] IReadOnlyDictionary<string, string> OpenIds,
    [property: JsonPropertyName("unionids")] IReadOnlyDictionary<string, string> UnionIds);

internal sealed record JsCodeRequest(string? User);

internal sealed record JsCodeView(string JsCode, [property: JsonPropertyName("openid")] string OpenId, string User);

internal sealed record MediaUpload(string? ContentType, string? ContentBase64);

internal sealed record MediaView(string MediaId);

internal sealed record SentMessageView(string Kind, string Touser, string Type, JsonElement Body, DateTimeOffset At, long? Msgid);

internal sealed record SentMessageList(IReadOnlyList<SentMessageView> Messages);
