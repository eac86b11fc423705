using System.Text.Json.Serialization;
using WxHub.Core.Access;
using WxHub.Core.Apps;

namespace WxHub.Server.Admin;

public sealed record AppCreateBody(
    [property: JsonPropertyName("appid")] string? Appid,
    [property: JsonPropertyName("secret")] string? Secret,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("token_mode")] string? TokenMode,
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("encoding_aes_key")] string? EncodingAesKey);

public sealed record AppPatchBody(
    [property: JsonPropertyName("secret")] string? Secret,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("token_mode")] string? TokenMode,
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("encoding_aes_key")] string? EncodingAesKey);

/// <summary>An app as the admin API shows it: never its secrets, only whether they are set.</summary>
public sealed record AppView(
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("token_mode")] string TokenMode,
    [property: JsonPropertyName("has_token")] bool HasToken,
    [property: JsonPropertyName("has_encoding_aes_key")] bool HasEncodingAesKey,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt)
{
    public static AppView From(AppRegistration app) => new(
        app.Appid, AppAdministration.TypeName(app.Type), AppAdministration.TokenModeName(app.TokenMode),
        app.Token is not null, app.EncodingAesKey is not null, app.CreatedAt, app.UpdatedAt);
}

public sealed record KeyCreateBody(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("apps")] List<string>? Apps,
    [property: JsonPropertyName("scopes")] List<string>? Scopes);

public sealed record KeyView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("apps")] IReadOnlyList<string> Apps,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("revoked_at")] DateTimeOffset? RevokedAt)
{
    public static KeyView From(ApiKey key) => new(key.Id, key.Name, key.Apps, key.Scopes, key.CreatedAt, key.RevokedAt);
}

/// <summary>The answer to a key creation: the only time the key itself is shown.</summary>
public sealed record KeyCreated(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("apps")] IReadOnlyList<string> Apps,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AppCreateBody))]
[JsonSerializable(typeof(AppPatchBody))]
[JsonSerializable(typeof(AppView))]
[JsonSerializable(typeof(List<AppView>))]
[JsonSerializable(typeof(KeyCreateBody))]
[JsonSerializable(typeof(KeyView))]
[JsonSerializable(typeof(List<KeyView>))]
[JsonSerializable(typeof(KeyCreated))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
