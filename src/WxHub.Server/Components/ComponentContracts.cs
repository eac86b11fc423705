using System.Text.Json.Serialization;
using WxHub.Core.Components;
using WxHub.Server.Business;

namespace WxHub.Server.Components;

public sealed record ComponentCreateBody(
    [property: JsonPropertyName("component_appid")] string? ComponentAppid,
    [property: JsonPropertyName("secret")] string? Secret,
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("encoding_aes_key")] string? EncodingAesKey)
{
    public override string ToString() => $"ComponentCreateBody {{ ComponentAppid = {ComponentAppid} }}";
}

/// <summary>A platform as the admin API shows it: never its secrets.</summary>
public sealed record ComponentView(
    [property: JsonPropertyName("component_appid")] string ComponentAppid,
    [property: JsonPropertyName("authorizers")] int Authorizers,
    [property: JsonPropertyName("events_url")] string EventsUrl,
    [property: JsonPropertyName("messages_url")] string MessagesUrl,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt)
{
    public static ComponentView From(ComponentRegistration component, int authorizers) => new(
        component.ComponentAppid, authorizers,
        $"/wechat/component/{component.ComponentAppid}/events", $"/wechat/component/{component.ComponentAppid}/callback/$APPID$",
        WireNames.Time(component.CreatedAt)!, WireNames.Time(component.UpdatedAt)!);
}

public sealed record SyncView(
    [property: JsonPropertyName("component_appid")] string ComponentAppid,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("added")] int Added,
    [property: JsonPropertyName("replaced")] int Replaced,
    [property: JsonPropertyName("unchanged")] int Unchanged,
    [property: JsonPropertyName("revoked")] int Revoked)
{
    public static SyncView From(string componentAppid, SyncReport report) =>
        new(componentAppid, report.Total, report.Added, report.Replaced, report.Unchanged, report.Revoked);
}

public sealed record ComponentTokenView(
    [property: JsonPropertyName("component_appid")] string ComponentAppid,
    [property: JsonPropertyName("component_access_token")] string ComponentAccessToken,
    [property: JsonPropertyName("expires_at")] string ExpiresAt,
    [property: JsonPropertyName("expires_in")] long ExpiresIn)
{
    public override string ToString() => $"ComponentTokenView {{ ComponentAppid = {ComponentAppid}, ExpiresAt = {ExpiresAt} }}";
}

/// <summary>An authorizer for business code and operators: status and granted function sets, never its refresh token.</summary>
public sealed record AuthorizerView(
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("component_appid")] string ComponentAppid,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("account_type")] string? AccountType,
    [property: JsonPropertyName("user_name")] string? UserName,
    [property: JsonPropertyName("principal_name")] string? PrincipalName,
    [property: JsonPropertyName("scopes")] IReadOnlyList<int> Scopes,
    [property: JsonPropertyName("authorized_at")] string AuthorizedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt,
    [property: JsonPropertyName("revoked_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RevokedAt)
{
    public static AuthorizerView From(Authorizer a) => new(
        a.Appid, a.ComponentAppid, StatusName(a.Status), a.Profile?.Name, a.Profile?.AccountType, a.Profile?.UserName, a.Profile?.PrincipalName,
        a.Scopes, WireNames.Time(a.AuthorizedAt)!, WireNames.Time(a.UpdatedAt)!, WireNames.Time(a.RevokedAt));

    public static string StatusName(AuthorizerStatus status) => status == AuthorizerStatus.Authorized ? "authorized" : "revoked";
}

public sealed record AuthorizerPage(
    [property: JsonPropertyName("component_appid")] string ComponentAppid,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("authorizers")] List<AuthorizerView> Authorizers,
    [property: JsonPropertyName("next"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Next);

public sealed record AuthorizerEventView(
    [property: JsonPropertyName("at")] string At,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("detail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail)
{
    public static AuthorizerEventView From(AuthorizerEvent e) => new(WireNames.Time(e.At)!, e.Kind, e.Detail);
}

public sealed record AuthorizerDetail(
    [property: JsonPropertyName("authorizer")] AuthorizerView Authorizer,
    [property: JsonPropertyName("events")] List<AuthorizerEventView> Events);

[JsonSerializable(typeof(ComponentCreateBody))]
[JsonSerializable(typeof(ComponentView))]
[JsonSerializable(typeof(List<ComponentView>))]
[JsonSerializable(typeof(SyncView))]
[JsonSerializable(typeof(ComponentTokenView))]
[JsonSerializable(typeof(AuthorizerPage))]
[JsonSerializable(typeof(AuthorizerDetail))]
internal sealed partial class ComponentJsonContext : JsonSerializerContext;
