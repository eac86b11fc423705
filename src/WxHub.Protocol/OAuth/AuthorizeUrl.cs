using System.Text;

namespace WxHub.Protocol.OAuth;

/// <summary>
/// The pages a browser is sent to for web authorization: <c>/connect/oauth2/authorize</c> (Official Account, opened in
/// WeChat) and <c>/connect/qrconnect</c> (website QR-code login). Parameters are in the order WeChat's documentation
/// requires, and the <c>#wechat_redirect</c> fragment is always present.
/// </summary>
public static class AuthorizeUrl
{
    public const string AuthorizePath = "/connect/oauth2/authorize";
    public const string QrConnectPath = "/connect/qrconnect";

    /// <param name="pagesBase">Where the pages are served: <c>https://open.weixin.qq.com</c> or an emulator.</param>
    /// <param name="componentAppid">For a third-party platform authorizing on behalf of the account; null otherwise.</param>
    public static string ForOfficialAccount(Uri pagesBase, string appid, string redirectUri, string scope, string state, string? componentAppid = null) =>
        Build(pagesBase, AuthorizePath, appid, redirectUri, scope, state, componentAppid);

    public static string ForWebsiteLogin(Uri pagesBase, string appid, string redirectUri, string state) =>
        Build(pagesBase, QrConnectPath, appid, redirectUri, OAuthScopes.Login, state, null);

    private static string Build(Uri pagesBase, string path, string appid, string redirectUri, string scope, string state, string? componentAppid)
    {
        var url = new StringBuilder(pagesBase.AbsoluteUri.TrimEnd('/'))
            .Append(path)
            .Append("?appid=").Append(Uri.EscapeDataString(appid))
            .Append("&redirect_uri=").Append(Uri.EscapeDataString(redirectUri))
            .Append("&response_type=code")
            .Append("&scope=").Append(Uri.EscapeDataString(scope))
            .Append("&state=").Append(Uri.EscapeDataString(state));
        if (componentAppid is not null) url.Append("&component_appid=").Append(Uri.EscapeDataString(componentAppid));
        return url.Append("#wechat_redirect").ToString();
    }
}
