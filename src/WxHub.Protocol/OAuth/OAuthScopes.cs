namespace WxHub.Protocol.OAuth;

/// <summary>The scopes of WeChat's web authorization.</summary>
public static class OAuthScopes
{
    /// <summary>Official Account, silent: the openid only.</summary>
    public const string Base = "snsapi_base";

    /// <summary>Official Account, with a consent page: the openid and the profile (<c>/sns/userinfo</c>).</summary>
    public const string UserInfo = "snsapi_userinfo";

    /// <summary>Website application QR-code login: the openid and the profile.</summary>
    public const string Login = "snsapi_login";

    /// <summary>Whether a token granted <paramref name="scope"/> (comma-separated, as WeChat answers) may call <c>/sns/userinfo</c>.</summary>
    public static bool AllowsUserInfo(string? scope) =>
        scope is not null && scope.Split(',', StringSplitOptions.TrimEntries).Any(s => s is UserInfo or Login);
}
