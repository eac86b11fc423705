namespace WxHub.Core.Access;

/// <summary>What an API key may do with the apps it names. A key created without scopes has all of them.</summary>
public static class ApiScopes
{
    public const string AccessToken = "access_token";
    public const string Tickets = "tickets";
    public const string JsSdk = "jssdk";

    /// <summary>A third-party platform's authorizers: the list, their status and granted function sets.</summary>
    public const string Components = "components";

    public static readonly IReadOnlyList<string> All = [AccessToken, Tickets, JsSdk, Components];
}
