using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using WxHub.Core.Identity;
using WxHub.Protocol.Errors;

namespace WxHub.Core.WeChat;

/// <summary>
/// WeChat's identity endpoints: web authorization (<c>/sns/oauth2/*</c>, <c>/sns/userinfo</c>), Mini Program login
/// (<c>jscode2session</c>) and the follower APIs (<c>/cgi-bin/user/*</c>). A call goes to the configured access points
/// through the <see cref="WeChatAccessPoints"/>; WeChat's errcode comes back as an <see cref="ProblemKind.Upstream"/> problem.
/// </summary>
public sealed class WeChatIdentityClient(WeChatAccessPoints accessPoints)
{
    public const string WeChatErrorCode = "wechat_error";
    public const string UnreachableCode = "wechat_unreachable";
    public const int BatchGetLimit = 100;

    private const string Lang = "zh_CN";

    public Task<Outcome<SnsToken>> ExchangeCodeAsync(LoginClient client, string code, CancellationToken cancellationToken) =>
        GetAsync(client.ComponentAppid is null ? "/sns/oauth2/access_token" : "/sns/oauth2/component/access_token",
            $"appid={E(client.Appid)}&code={E(code)}&grant_type=authorization_code{client.CredentialQuery}",
            WeChatIdentityJsonContext.Default.SnsToken, cancellationToken);

    /// <summary>The plain variant needs no secret: the refresh token is the credential.</summary>
    public Task<Outcome<SnsToken>> RefreshAsync(LoginClient client, string refreshToken, CancellationToken cancellationToken) =>
        GetAsync(client.ComponentAppid is null ? "/sns/oauth2/refresh_token" : "/sns/oauth2/component/refresh_token",
            $"appid={E(client.Appid)}&grant_type=refresh_token&refresh_token={E(refreshToken)}{(client.ComponentAppid is null ? "" : client.CredentialQuery)}",
            WeChatIdentityJsonContext.Default.SnsToken, cancellationToken);

    public Task<Outcome<WeChatUser>> GetSnsUserInfoAsync(string oauthAccessToken, string openid, CancellationToken cancellationToken) =>
        GetAsync("/sns/userinfo", $"access_token={E(oauthAccessToken)}&openid={E(openid)}&lang={Lang}",
            WeChatIdentityJsonContext.Default.WeChatUser, cancellationToken);

    public Task<Outcome<JsCodeSession>> JsCodeToSessionAsync(LoginClient client, string jsCode, CancellationToken cancellationToken) =>
        GetAsync(client.ComponentAppid is null ? "/sns/jscode2session" : "/sns/component/jscode2session",
            $"appid={E(client.Appid)}&js_code={E(jsCode)}&grant_type=authorization_code{client.CredentialQuery}",
            WeChatIdentityJsonContext.Default.JsCodeSession, cancellationToken);

    public Task<Outcome<WeChatUser>> GetUserInfoAsync(string accessToken, string openid, CancellationToken cancellationToken) =>
        GetAsync("/cgi-bin/user/info", $"access_token={E(accessToken)}&openid={E(openid)}&lang={Lang}",
            WeChatIdentityJsonContext.Default.WeChatUser, cancellationToken);

    /// <summary><c>/cgi-bin/user/info/batchget</c> for at most <see cref="BatchGetLimit"/> openids.</summary>
    public async Task<Outcome<IReadOnlyList<WeChatUser>>> BatchGetUserInfoAsync(string accessToken, IReadOnlyList<string> openids, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(openids.Count, BatchGetLimit);
        var body = new BatchGetRequest(openids.Select(o => new BatchGetEntry(o, Lang)).ToList());
        const string path = "/cgi-bin/user/info/batchget";
        var answer = await SendAsync(path, WeChatIdentityJsonContext.Default.UserInfoList,
            point => new HttpRequestMessage(HttpMethod.Post, WeChatAccessPoints.Url(point, path, $"?access_token={E(accessToken)}"))
            {
                Content = JsonContent.Create(body, WeChatIdentityJsonContext.Default.BatchGetRequest),
            },
            cancellationToken);
        if (!answer.Succeeded) return answer.Problem;
        return new Outcome<IReadOnlyList<WeChatUser>>(answer.Value.Users ?? [], null);
    }

    /// <summary>One page (up to 10,000 openids) of <c>/cgi-bin/user/get</c>, starting after <paramref name="nextOpenid"/>.</summary>
    public Task<Outcome<FollowerPage>> GetFollowersAsync(string accessToken, string? nextOpenid, CancellationToken cancellationToken) =>
        GetAsync("/cgi-bin/user/get", $"access_token={E(accessToken)}&next_openid={E(nextOpenid ?? "")}",
            WeChatIdentityJsonContext.Default.FollowerPage, cancellationToken);

    private Task<Outcome<T>> GetAsync<T>(string path, string query, JsonTypeInfo<T> type, CancellationToken cancellationToken) where T : class =>
        SendAsync(path, type, point => new HttpRequestMessage(HttpMethod.Get, WeChatAccessPoints.Url(point, path, "?" + query)), cancellationToken);

    private async Task<Outcome<T>> SendAsync<T>(string path, JsonTypeInfo<T> type, Func<Uri, HttpRequestMessage> request, CancellationToken cancellationToken)
        where T : class
    {
        var delivery = await accessPoints.SendAsync(path, request, null, cancellationToken);
        if (delivery.Body is null) return new Problem(ProblemKind.Upstream, UnreachableCode, delivery.Problem!);
        var status = delivery.Status;
        if (!status.IsSuccess)
        {
            var info = status.Describe();
            return new Problem(ProblemKind.Upstream, WeChatErrorCode, $"WeChat answered {path} with {status.ErrCode} ({info.Meaning}). {info.OperatorAction}", status.ErrCode);
        }
        try
        {
            if (JsonSerializer.Deserialize(delivery.Body, type) is { } value) return value;
        }
        catch (JsonException)
        {
            // Reported below, as an answer of the wrong shape.
        }
        return new Problem(ProblemKind.Upstream, WeChatErrorCode, $"WeChat's answer to {path} said success but was not in the documented shape.");
    }

    private static string E(string value) => Uri.EscapeDataString(value);
}
