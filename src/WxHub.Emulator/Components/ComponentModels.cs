using System.Text.Json.Serialization;

namespace WxHub.Emulator.Components;

internal sealed record StartPushTicketRequest([property: JsonPropertyName("component_appid")] string? ComponentAppId, string? ComponentSecret);

internal sealed record ComponentTokenRequest(
    [property: JsonPropertyName("component_appid")] string? ComponentAppId,
    [property: JsonPropertyName("component_appsecret")] string? ComponentAppSecret,
    string? ComponentVerifyTicket);

internal sealed record ComponentTokenBody(string ComponentAccessToken, int ExpiresIn);

internal sealed record ComponentRequest([property: JsonPropertyName("component_appid")] string? ComponentAppId);

internal sealed record PreAuthCodeBody(string PreAuthCode, int ExpiresIn);

internal sealed record QueryAuthRequest([property: JsonPropertyName("component_appid")] string? ComponentAppId, string? AuthorizationCode);

internal sealed record FuncScope(int Id);

internal sealed record FuncInfo(FuncScope FuncscopeCategory);

internal sealed record AuthorizationInfo(
    [property: JsonPropertyName("authorizer_appid")] string AuthorizerAppId,
    string? AuthorizerAccessToken,
    int? ExpiresIn,
    string AuthorizerRefreshToken,
    IReadOnlyList<FuncInfo> FuncInfo);

internal sealed record QueryAuthBody(AuthorizationInfo AuthorizationInfo);

internal sealed record AuthorizerTokenRequest(
    [property: JsonPropertyName("component_appid")] string? ComponentAppId,
    [property: JsonPropertyName("authorizer_appid")] string? AuthorizerAppId,
    string? AuthorizerRefreshToken);

internal sealed record AuthorizerTokenBody(string AuthorizerAccessToken, int ExpiresIn, string AuthorizerRefreshToken);

internal sealed record AuthorizerRequest(
    [property: JsonPropertyName("component_appid")] string? ComponentAppId,
    [property: JsonPropertyName("authorizer_appid")] string? AuthorizerAppId);

internal sealed record TypeInfo(int Id);

internal sealed record BusinessInfo(int OpenStore, int OpenScan, int OpenPay, int OpenCard, int OpenShake);

internal sealed record MiniProgramInfo(
    [property: JsonPropertyName("network")] MiniProgramNetwork Network,
    [property: JsonPropertyName("categories")] IReadOnlyList<string> Categories);

internal sealed record MiniProgramNetwork(
    [property: JsonPropertyName("RequestDomain")] IReadOnlyList<string> RequestDomain,
    [property: JsonPropertyName("WsRequestDomain")] IReadOnlyList<string> WsRequestDomain,
    [property: JsonPropertyName("UploadDomain")] IReadOnlyList<string> UploadDomain,
    [property: JsonPropertyName("DownloadDomain")] IReadOnlyList<string> DownloadDomain);

internal sealed record AuthorizerInfo(
    string NickName,
    string HeadImg,
    TypeInfo ServiceTypeInfo,
    TypeInfo VerifyTypeInfo,
    string UserName,
    string PrincipalName,
    string Alias,
    BusinessInfo BusinessInfo,
    string QrcodeUrl,
    string? Signature,
    [property: JsonPropertyName("MiniProgramInfo")] MiniProgramInfo? MiniProgramInfo);

internal sealed record AuthorizerInfoBody(AuthorizerInfo AuthorizerInfo, AuthorizationInfo AuthorizationInfo);

internal sealed record AuthorizerListRequest([property: JsonPropertyName("component_appid")] string? ComponentAppId, int? Offset, int? Count);

internal sealed record AuthorizerListItem([property: JsonPropertyName("authorizer_appid")] string AuthorizerAppId, string RefreshToken, long AuthTime);

internal sealed record AuthorizerListBody(int TotalCount, IReadOnlyList<AuthorizerListItem> List);

internal sealed record ComponentClearQuotaRequest(
    [property: JsonPropertyName("component_appid")] string? ComponentAppId,
    string? Appsecret,
    [property: JsonPropertyName("appid")] string? AppId);

// Control API.

internal sealed record ComponentRegistration(
    [property: JsonPropertyName("component_appid")] string? ComponentAppId,
    string? Secret,
    string? Token,
    string? EncodingAesKey,
    string? EventUrl,
    int? TicketIntervalSeconds,
    string? MessageUrl,
    IReadOnlyList<string>? IpWhitelist,
    int? TokenTtlSeconds,
    bool? RotateRefreshTokens = null);

internal sealed record ComponentView(
    [property: JsonPropertyName("component_appid")] string ComponentAppId,
    int TicketIntervalSeconds,
    int TokenTtlSeconds,
    string? LatestTicket,
    IReadOnlyList<string> Authorizers);

internal sealed record AuthorizeRequest([property: JsonPropertyName("appid")] string? AppId, IReadOnlyList<int>? FuncScopes);

/// <summary>Many accounts authorizing at once, without pushes (benchmarks): apps <c>{prefix}{n}</c> are made as needed.</summary>
internal sealed record SeedAuthorizersRequest(int? Count, string? Prefix);

internal sealed record SeedAuthorizersResult(int Authorizers);

internal sealed record AuthorizeResult(string? AuthorizationCode, Pushes.PushResult Push);
