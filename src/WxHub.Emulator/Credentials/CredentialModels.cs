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

internal sealed record CallbackCheckRequest(string? Action, string? CheckOperator);

internal sealed record DnsResult(string Ip, string RealOperator);

internal sealed record PingResult(string Ip, string FromOperator, string PackageLoss, string Time);

internal sealed record CallbackCheckBody(IReadOnlyList<DnsResult>? Dns, IReadOnlyList<PingResult>? Ping);
