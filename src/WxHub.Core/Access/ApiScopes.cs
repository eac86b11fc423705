namespace WxHub.Core.Access;

/// <summary>What an API key may do with the apps it names. A key created without scopes has all of them.</summary>
public static class ApiScopes
{
    public const string AccessToken = "access_token";
    public const string Tickets = "tickets";
    public const string JsSdk = "jssdk";

    /// <summary>Web authorization and QR-code login: exchanging codes, reading signed-in users' profiles.</summary>
    public const string OAuth = "oauth";

    /// <summary>Mini Program login sessions and the decryption of their data.</summary>
    public const string MiniProgram = "miniprogram";

    /// <summary>The UnionID directory.</summary>
    public const string Users = "users";

    /// <summary>Calls to WeChat's API through WxHub's proxy (<c>/wechat-api/{appid}/...</c>), which adds the credential.</summary>
    public const string Proxy = "proxy";

    /// <summary>A third-party platform's authorizers: the list, their status and granted function sets.</summary>
    public const string Components = "components";

    public static readonly IReadOnlyList<string> All = [AccessToken, Tickets, JsSdk, OAuth, MiniProgram, Users, Proxy, Components];
}
