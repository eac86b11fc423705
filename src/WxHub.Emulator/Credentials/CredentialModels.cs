using System.Text.Json.Serialization;

namespace WxHub.Emulator.Credentials;

internal sealed record AccessTokenBody(string AccessToken, int ExpiresIn);

internal sealed record StableTokenRequest(
    string? GrantType,
    [property: JsonPropertyName("appid")] string? AppId,
    string? Secret,
    bool? ForceRefresh);

internal sealed record TicketBody(int Errcode, string Errmsg, string Ticket, int ExpiresIn);

internal sealed record IpListBody(IReadOnlyList<string> IpList);

internal sealed record ClearQuotaRequest([property: JsonPropertyName("appid")] string? AppId);

internal sealed record ClearQuotaBySecretRequest([property: JsonPropertyName("appid")] string? AppId, string? Appsecret);
