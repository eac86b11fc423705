using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace WxHub.Client;

/// <summary>The typed HTTP client of WxHub's business API; register it with <see cref="WxHubClientServiceCollectionExtensions.AddWxHubClient"/>.</summary>
public sealed class WxHubClient : IWxHubClient
{
    private const string AccessTokenKind = "access_token";

    private readonly HttpClient _http;
    private readonly CredentialCache _cache;

    internal WxHubClient(HttpClient http, CredentialCache cache)
    {
        _http = http;
        _cache = cache;
    }

    public async Task<AccessToken> GetAccessTokenAsync(string appid, CancellationToken cancellationToken = default)
    {
        if (_cache.TryGet(appid, AccessTokenKind, out var value, out var expiresAt)) return new AccessToken(appid, value, expiresAt);
        return Remember(await SendAsync(HttpMethod.Get, $"v1/apps/{Escape(appid)}/access-token", null, ClientJson.Default.AccessToken, cancellationToken));
    }

    public async Task<AccessToken> InvalidateAccessTokenAsync(string appid, string rejected, CancellationToken cancellationToken = default)
    {
        _cache.Forget(appid, AccessTokenKind, rejected);
        var body = JsonContent.Create(new TokenInvalidation(rejected), ClientJson.Default.TokenInvalidation);
        return Remember(await SendAsync(HttpMethod.Post, $"v1/apps/{Escape(appid)}/access-token/invalidate", body, ClientJson.Default.AccessToken, cancellationToken));
    }

    public async Task<Ticket> GetTicketAsync(string appid, TicketType type, CancellationToken cancellationToken = default)
    {
        var kind = WireName(type);
        if (_cache.TryGet(appid, kind, out var value, out var expiresAt)) return new Ticket(value, expiresAt);
        return Remember(appid, kind, await SendAsync(HttpMethod.Get, $"v1/apps/{Escape(appid)}/tickets/{kind}", null, ClientJson.Default.Ticket, cancellationToken));
    }

    public async Task<Ticket> InvalidateTicketAsync(string appid, TicketType type, string rejected, CancellationToken cancellationToken = default)
    {
        var kind = WireName(type);
        _cache.Forget(appid, kind, rejected);
        var body = JsonContent.Create(new TicketInvalidation(rejected), ClientJson.Default.TicketInvalidation);
        return Remember(appid, kind, await SendAsync(HttpMethod.Post, $"v1/apps/{Escape(appid)}/tickets/{kind}/invalidate", body, ClientJson.Default.Ticket, cancellationToken));
    }

    public Task<JsSdkConfig> GetJsSdkConfigAsync(string appid, string url, IReadOnlyList<string>? jsApiList = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"v1/apps/{Escape(appid)}/jssdk/signature",
            JsonContent.Create(new SignatureRequest(url, jsApiList), ClientJson.Default.SignatureRequest), ClientJson.Default.JsSdkConfig, cancellationToken);

    public Task<SignIn> ExchangeSignInCodeAsync(string wxhubCode, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/oauth/exchange", JsonContent.Create(new CodeExchange(wxhubCode, null), ClientJson.Default.CodeExchange), ClientJson.Default.SignIn, cancellationToken);

    public Task<SignIn> ExchangeWeChatCodeAsync(string appid, string code, string? componentAppid = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"v1/apps/{Escape(appid)}/oauth/code",
            JsonContent.Create(new CodeExchange(code, componentAppid), ClientJson.Default.CodeExchange), ClientJson.Default.SignIn, cancellationToken);

    public Task<DirectoryUser> GetUserAsync(string appid, string openid, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"v1/apps/{Escape(appid)}/users/{Escape(openid)}", null, ClientJson.Default.DirectoryUser, cancellationToken);

    public Task<UnionIdIdentities> GetUsersByUnionIdAsync(string unionid, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"v1/users/by-unionid/{Escape(unionid)}", null, ClientJson.Default.UnionIdIdentities, cancellationToken);

    private AccessToken Remember(AccessToken token)
    {
        _cache.Put(token.Appid, AccessTokenKind, token.Value, token.ExpiresAt);
        return token;
    }

    private Ticket Remember(string appid, string kind, Ticket ticket)
    {
        _cache.Put(appid, kind, ticket.Value, ticket.ExpiresAt);
        return ticket;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? body, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        using var response = await _http.SendAsync(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw Failure(response, bytes);
        return JsonSerializer.Deserialize(bytes, answer)
            ?? throw new WxHubException(response.StatusCode, "invalid_answer", $"WxHub's answer to {method} /{path} was empty.", null);
    }

    private static WxHubException Failure(HttpResponseMessage response, byte[] body)
    {
        ErrorBody? error = null;
        try
        {
            error = JsonSerializer.Deserialize(body, ClientJson.Default.ErrorBody);
        }
        catch (JsonException)
        {
        }
        return new WxHubException(response.StatusCode, error?.Error ?? "http_error",
            error?.Message ?? $"WxHub answered {(int)response.StatusCode} {response.ReasonPhrase} without its error body; check BaseAddress.", error?.ErrCode);
    }

    private static string WireName(TicketType type) => type switch
    {
        TicketType.Jsapi => "jsapi",
        TicketType.WxCard => "wx_card",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown ticket type."),
    };

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}

internal sealed record TokenInvalidation([property: JsonPropertyName("access_token")] string AccessToken)
{
    public override string ToString() => nameof(TokenInvalidation);
}

internal sealed record TicketInvalidation([property: JsonPropertyName("ticket")] string Ticket)
{
    public override string ToString() => nameof(TicketInvalidation);
}

internal sealed record SignatureRequest(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("jsApiList")] IReadOnlyList<string>? JsApiList);

internal sealed record CodeExchange(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("component_appid")] string? ComponentAppid);

internal sealed record ErrorBody(
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("errcode")] int? ErrCode);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AccessToken))]
[JsonSerializable(typeof(Ticket))]
[JsonSerializable(typeof(JsSdkConfig))]
[JsonSerializable(typeof(SignIn))]
[JsonSerializable(typeof(DirectoryUser))]
[JsonSerializable(typeof(UnionIdIdentities))]
[JsonSerializable(typeof(TokenInvalidation))]
[JsonSerializable(typeof(TicketInvalidation))]
[JsonSerializable(typeof(SignatureRequest))]
[JsonSerializable(typeof(CodeExchange))]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class ClientJson : JsonSerializerContext;
