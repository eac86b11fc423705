namespace WxHub.Core.Access;

/// <summary>What an API key may do with the apps it names. A key created without scopes has all of them.</summary>
public static class ApiScopes
{
    public const string AccessToken = "access_token";
    public const string Tickets = "tickets";
    public const string JsSdk = "jssdk";

    /// <summary>Calls to WeChat's API through WxHub's proxy (<c>/wechat-api/{appid}/...</c>), which adds the credential.</summary>
    public const string Proxy = "proxy";

    public static readonly IReadOnlyList<string> All = [AccessToken, Tickets, JsSdk, Proxy];
}
