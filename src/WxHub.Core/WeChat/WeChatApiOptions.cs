using System.ComponentModel.DataAnnotations;

namespace WxHub.Core.WeChat;

/// <summary>
/// How WxHub reaches WeChat's API. The access points come from the root setting <c>WeChatApi</c> (<c>--wechat-api</c>,
/// <c>WXHUB_WECHATAPI</c>) as a comma-separated list; the rest from the <c>WeChat</c> section.
/// </summary>
public sealed class WeChatApiOptions
{
    public const string AccessPointsKey = "WeChatApi";
    public const string SectionName = "WeChat";

    /// <summary>WeChat's own access points, in the order its documentation suggests failing over.</summary>
    public const string DefaultAccessPoints =
        "https://api.weixin.qq.com,https://api2.weixin.qq.com,https://sh.api.weixin.qq.com,https://sz.api.weixin.qq.com,https://hk.api.weixin.qq.com";

    public IReadOnlyList<Uri> AccessPoints { get; set; } = ParseAccessPoints(DefaultAccessPoints);

    /// <summary>One request to one access point; past it WxHub tries the next access point.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many more times a call is made after WeChat answers -1 (system busy).</summary>
    [Range(0, 10)]
    public int BusyRetries { get; set; } = 2;

    /// <summary>The wait before the first retry after -1; each further retry waits twice as long.</summary>
    public TimeSpan BusyRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public WeChatDailyQuotas DailyQuotas { get; set; } = new();

    /// <summary>Parses <c>URL[,URL...]</c>; throws <see cref="FormatException"/> naming the bad entry.</summary>
    public static IReadOnlyList<Uri> ParseAccessPoints(string value)
    {
        var points = new List<Uri>();
        foreach (var entry in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(entry, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw new FormatException(
                    $"{AccessPointsKey}: '{entry}' is not an http(s) URL. Give one or more WeChat API base URLs separated by commas, e.g. {DefaultAccessPoints.Split(',')[0]}.");
            }
            points.Add(uri);
        }
        if (points.Count == 0) throw new FormatException($"{AccessPointsKey} is empty. Give one or more WeChat API base URLs separated by commas.");
        return points;
    }
}

/// <summary>
/// WxHub's own daily budget per app and endpoint (UTC days). WxHub stops calling an endpoint once the day's budget is
/// spent, so WeChat never has to answer 45009. Defaults are WeChat's documented limits for a normal account.
/// </summary>
public sealed class WeChatDailyQuotas
{
    [Range(1, long.MaxValue)]
    public long Token { get; set; } = 2_000;

    [Range(1, long.MaxValue)]
    public long StableToken { get; set; } = 500_000;

    /// <summary>Not documented by WeChat beyond "very limited"; a ticket lives two hours, so a few dozen a day suffice.</summary>
    [Range(1, long.MaxValue)]
    public long Ticket { get; set; } = 1_000;

    /// <summary>stable_token with <c>force_refresh</c>: WeChat allows 20 a day.</summary>
    [Range(1, long.MaxValue)]
    public long StableTokenForceRefresh { get; set; } = 20;

    /// <summary><c>api_component_token</c> per platform; WeChat documents no limit, and a token lives two hours.</summary>
    [Range(1, long.MaxValue)]
    public long ComponentToken { get; set; } = 2_000;

    /// <summary><c>api_authorizer_token</c> per authorizer (counted against the authorizer's appid).</summary>
    [Range(1, long.MaxValue)]
    public long AuthorizerToken { get; set; } = 2_000;

    /// <summary>
    /// Every other platform call (pre-auth codes, api_query_auth, authorizer info and list, api_start_push_ticket), per
    /// platform and endpoint: a platform signing up many accounts a day needs room.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long ComponentApi { get; set; } = 100_000;

    public long For(string endpoint) => endpoint switch
    {
        WeChatEndpoints.ComponentToken => ComponentToken,
        WeChatEndpoints.AuthorizerToken => AuthorizerToken,
        WeChatEndpoints.StartPushTicket or WeChatEndpoints.CreatePreAuthCode or WeChatEndpoints.QueryAuth
            or WeChatEndpoints.GetAuthorizerInfo or WeChatEndpoints.GetAuthorizerList => ComponentApi,
        WeChatEndpoints.Token => Token,
        WeChatEndpoints.StableToken => StableToken,
        WeChatEndpoints.GetTicket => Ticket,
        WeChatEndpoints.StableTokenForceRefresh => StableTokenForceRefresh,
        _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, "No daily quota is configured for this endpoint."),
    };
}
