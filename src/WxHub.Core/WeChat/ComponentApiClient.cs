using System.Net.Http.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace WxHub.Core.WeChat;

/// <summary>
/// The third-party platform calls of reference section 4, through the <see cref="WeChatApiClient"/> (budgets,
/// failover, -1 retries). Platform calls are counted against the platform; <c>api_authorizer_token</c> against the
/// authorizer, whose refreshes are the many.
/// </summary>
public sealed class ComponentApiClient(WeChatApiClient wechat)
{
    /// <summary><c>api_start_push_ticket</c>: asks WeChat to push a component_verify_ticket now (and every 10 minutes).</summary>
    public Task<WeChatCall<StatusAnswer>> StartPushTicketAsync(string componentAppid, string secret, CancellationToken cancellationToken) =>
        PostAsync(componentAppid, WeChatEndpoints.StartPushTicket, null, new StartPushTicketRequest(componentAppid, secret),
            ComponentJsonContext.Default.StartPushTicketRequest, ComponentJsonContext.Default.StatusAnswer, cancellationToken);

    /// <summary><c>api_component_token</c>, with the last ticket WeChat pushed.</summary>
    public async Task<UpstreamResult> GetComponentTokenAsync(string componentAppid, string secret, string ticket, CancellationToken cancellationToken)
    {
        var call = await PostAsync(componentAppid, WeChatEndpoints.ComponentToken, null, new ComponentTokenRequest(componentAppid, secret, ticket),
            ComponentJsonContext.Default.ComponentTokenRequest, ComponentJsonContext.Default.ComponentTokenAnswer, cancellationToken);
        if (!call.Succeeded) return UpstreamResult.Fail(call.Failure.Kind, call.Failure.ErrCode, call.Failure.Detail);
        return Issue(call.Answer.ComponentAccessToken, call.Answer.ExpiresIn, WeChatEndpoints.ComponentToken);
    }

    public Task<WeChatCall<PreAuthCodeAnswer>> CreatePreAuthCodeAsync(string componentAppid, string componentToken, CancellationToken cancellationToken) =>
        PostAsync(componentAppid, WeChatEndpoints.CreatePreAuthCode, componentToken, new ComponentAppidRequest(componentAppid),
            ComponentJsonContext.Default.ComponentAppidRequest, ComponentJsonContext.Default.PreAuthCodeAnswer, cancellationToken);

    /// <summary><c>api_query_auth</c>: trades an authorization code (single use) for the authorizer's tokens.</summary>
    public Task<WeChatCall<QueryAuthAnswer>> QueryAuthAsync(string componentAppid, string componentToken, string authorizationCode, CancellationToken cancellationToken) =>
        PostAsync(componentAppid, WeChatEndpoints.QueryAuth, componentToken, new QueryAuthRequest(componentAppid, authorizationCode),
            ComponentJsonContext.Default.QueryAuthRequest, ComponentJsonContext.Default.QueryAuthAnswer, cancellationToken);

    public Task<WeChatCall<AuthorizerTokenAnswer>> GetAuthorizerTokenAsync(
        string componentAppid, string componentToken, string authorizerAppid, string refreshToken, CancellationToken cancellationToken) =>
        PostAsync(authorizerAppid, WeChatEndpoints.AuthorizerToken, componentToken, new AuthorizerTokenRequest(componentAppid, authorizerAppid, refreshToken),
            ComponentJsonContext.Default.AuthorizerTokenRequest, ComponentJsonContext.Default.AuthorizerTokenAnswer, cancellationToken);

    public Task<WeChatCall<AuthorizerInfoAnswer>> GetAuthorizerInfoAsync(string componentAppid, string componentToken, string authorizerAppid, CancellationToken cancellationToken) =>
        PostAsync(componentAppid, WeChatEndpoints.GetAuthorizerInfo, componentToken, new AuthorizerRequest(componentAppid, authorizerAppid),
            ComponentJsonContext.Default.AuthorizerRequest, ComponentJsonContext.Default.AuthorizerInfoAnswer, cancellationToken);

    /// <summary>One page (at most <see cref="MaxListPage"/>) of the platform's authorizers with their refresh tokens.</summary>
    public Task<WeChatCall<AuthorizerListAnswer>> GetAuthorizerListAsync(string componentAppid, string componentToken, int offset, int count, CancellationToken cancellationToken) =>
        PostAsync(componentAppid, WeChatEndpoints.GetAuthorizerList, componentToken, new AuthorizerListRequest(componentAppid, offset, count),
            ComponentJsonContext.Default.AuthorizerListRequest, ComponentJsonContext.Default.AuthorizerListAnswer, cancellationToken);

    /// <summary>WeChat's largest page of <c>api_get_authorizer_list</c> (40170 above it).</summary>
    public const int MaxListPage = 500;

    public static UpstreamResult Issue(string? value, long? expiresIn, string endpoint) =>
        string.IsNullOrEmpty(value) || expiresIn is not > 0
            ? UpstreamResult.Fail(UpstreamFailureKind.MalformedAnswer, null, $"WeChat's answer to {endpoint} said success but lacked the token or expires_in.")
            : UpstreamResult.Success(new IssuedCredential(value, TimeSpan.FromSeconds(expiresIn.Value)));

    private Task<WeChatCall<TAnswer>> PostAsync<TRequest, TAnswer>(
        string quotaAppid, string endpoint, string? componentToken, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TAnswer> answerType,
        CancellationToken cancellationToken) where TAnswer : class =>
        wechat.SendAsync(quotaAppid, endpoint,
            baseUrl => new HttpRequestMessage(HttpMethod.Post, WeChatAccessPoints.Url(baseUrl, endpoint,
                componentToken is null ? "" : $"?component_access_token={Uri.EscapeDataString(componentToken)}"))
            {
                Content = JsonContent.Create(body, requestType),
            },
            answerType, cancellationToken);
}

internal sealed record StartPushTicketRequest(
    [property: JsonPropertyName("component_appid")] string ComponentAppid,
    [property: JsonPropertyName("component_secret")] string ComponentSecret)
{
    public override string ToString() => nameof(StartPushTicketRequest);
}

internal sealed record ComponentTokenRequest(
    [property: JsonPropertyName("component_appid")] string ComponentAppid,
    [property: JsonPropertyName("component_appsecret")] string ComponentAppsecret,
    [property: JsonPropertyName("component_verify_ticket")] string ComponentVerifyTicket)
{
    public override string ToString() => nameof(ComponentTokenRequest);
}

internal sealed record ComponentAppidRequest([property: JsonPropertyName("component_appid")] string ComponentAppid);

internal sealed record QueryAuthRequest(
    [property: JsonPropertyName("component_appid")] string ComponentAppid,
    [property: JsonPropertyName("authorization_code")] string AuthorizationCode)
{
    public override string ToString() => nameof(QueryAuthRequest);
}

internal sealed record AuthorizerTokenRequest(
    [property: JsonPropertyName("component_appid")] string ComponentAppid,
    [property: JsonPropertyName("authorizer_appid")] string AuthorizerAppid,
    [property: JsonPropertyName("authorizer_refresh_token")] string AuthorizerRefreshToken)
{
    public override string ToString() => nameof(AuthorizerTokenRequest);
}

internal sealed record AuthorizerRequest(
    [property: JsonPropertyName("component_appid")] string ComponentAppid,
    [property: JsonPropertyName("authorizer_appid")] string AuthorizerAppid);

internal sealed record AuthorizerListRequest(
    [property: JsonPropertyName("component_appid")] string ComponentAppid,
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("count")] int Count);

/// <summary>An answer that carries nothing but its errcode (read apart).</summary>
public sealed record StatusAnswer;

internal sealed record ComponentTokenAnswer(
    [property: JsonPropertyName("component_access_token")] string? ComponentAccessToken,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn)
{
    public override string ToString() => nameof(ComponentTokenAnswer);
}

public sealed record PreAuthCodeAnswer(
    [property: JsonPropertyName("pre_auth_code")] string? PreAuthCode,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn);

public sealed record FuncScopeCategory([property: JsonPropertyName("id")] int Id);

public sealed record FuncInfo([property: JsonPropertyName("funcscope_category")] FuncScopeCategory? FuncscopeCategory);

/// <summary>What <c>api_query_auth</c> and <c>api_get_authorizer_info</c> say of a grant. The tokens are secrets.</summary>
public sealed record AuthorizationInfo(
    [property: JsonPropertyName("authorizer_appid")] string? AuthorizerAppid,
    [property: JsonPropertyName("authorizer_access_token")] string? AuthorizerAccessToken,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn,
    [property: JsonPropertyName("authorizer_refresh_token")] string? AuthorizerRefreshToken,
    [property: JsonPropertyName("func_info")] List<FuncInfo>? FuncInfo)
{
    /// <summary>The ids of the function sets (权限集) granted, in order, without repeats.</summary>
    public IReadOnlyList<int> Scopes =>
        (FuncInfo ?? []).Select(f => f.FuncscopeCategory?.Id).OfType<int>().Distinct().ToList();

    public override string ToString() => $"AuthorizationInfo {{ AuthorizerAppid = {AuthorizerAppid} }}";
}

public sealed record QueryAuthAnswer([property: JsonPropertyName("authorization_info")] AuthorizationInfo? AuthorizationInfo);

public sealed record AuthorizerTokenAnswer(
    [property: JsonPropertyName("authorizer_access_token")] string? AuthorizerAccessToken,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn,
    [property: JsonPropertyName("authorizer_refresh_token")] string? AuthorizerRefreshToken)
{
    public override string ToString() => nameof(AuthorizerTokenAnswer);
}

public sealed record TypeId([property: JsonPropertyName("id")] int Id);

/// <summary>The account's public description from <c>api_get_authorizer_info</c> (the fields WxHub keeps).</summary>
public sealed record AuthorizerDescription(
    [property: JsonPropertyName("nick_name")] string? NickName,
    [property: JsonPropertyName("service_type_info")] TypeId? ServiceTypeInfo,
    [property: JsonPropertyName("verify_type_info")] TypeId? VerifyTypeInfo,
    [property: JsonPropertyName("user_name")] string? UserName,
    [property: JsonPropertyName("principal_name")] string? PrincipalName,
    [property: JsonPropertyName("MiniProgramInfo")] object? MiniProgramInfo);

public sealed record AuthorizerInfoAnswer(
    [property: JsonPropertyName("authorizer_info")] AuthorizerDescription? AuthorizerInfo,
    [property: JsonPropertyName("authorization_info")] AuthorizationInfo? AuthorizationInfo);

public sealed record AuthorizerListItem(
    [property: JsonPropertyName("authorizer_appid")] string? AuthorizerAppid,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("auth_time")] long? AuthTime)
{
    public override string ToString() => $"AuthorizerListItem {{ AuthorizerAppid = {AuthorizerAppid} }}";
}

public sealed record AuthorizerListAnswer(
    [property: JsonPropertyName("total_count")] int? TotalCount,
    [property: JsonPropertyName("list")] List<AuthorizerListItem>? List);

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(StartPushTicketRequest))]
[JsonSerializable(typeof(ComponentTokenRequest))]
[JsonSerializable(typeof(ComponentAppidRequest))]
[JsonSerializable(typeof(QueryAuthRequest))]
[JsonSerializable(typeof(AuthorizerTokenRequest))]
[JsonSerializable(typeof(AuthorizerRequest))]
[JsonSerializable(typeof(AuthorizerListRequest))]
[JsonSerializable(typeof(StatusAnswer))]
[JsonSerializable(typeof(ComponentTokenAnswer))]
[JsonSerializable(typeof(PreAuthCodeAnswer))]
[JsonSerializable(typeof(QueryAuthAnswer))]
[JsonSerializable(typeof(AuthorizerTokenAnswer))]
[JsonSerializable(typeof(AuthorizerInfoAnswer))]
[JsonSerializable(typeof(AuthorizerListAnswer))]
internal sealed partial class ComponentJsonContext : JsonSerializerContext;
