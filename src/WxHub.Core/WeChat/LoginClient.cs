namespace WxHub.Core.WeChat;

/// <summary>
/// How an app presents itself to WeChat's login endpoints (<c>/sns/oauth2/*</c>, <c>jscode2session</c>): with its own
/// AppSecret, or through the third-party platform it authorized, with the platform's component access token.
/// </summary>
public sealed class LoginClient
{
    private readonly string? _secret;
    private readonly string? _componentAccessToken;

    private LoginClient(string appid, string? secret, string? componentAppid, string? componentAccessToken)
    {
        Appid = appid;
        _secret = secret;
        ComponentAppid = componentAppid;
        _componentAccessToken = componentAccessToken;
    }

    public string Appid { get; }

    /// <summary>The third-party platform acting for the app, or null when the app uses its own secret.</summary>
    public string? ComponentAppid { get; }

    public static LoginClient WithSecret(string appid, string secret) => new(appid, secret, null, null);

    public static LoginClient ThroughComponent(string appid, string componentAppid, string componentAccessToken) =>
        new(appid, null, componentAppid, componentAccessToken);

    /// <summary>The query parameters that authenticate the call: <c>secret</c>, or <c>component_appid</c> and <c>component_access_token</c>.</summary>
    internal string CredentialQuery => ComponentAppid is null
        ? $"&secret={Uri.EscapeDataString(_secret!)}"
        : $"&component_appid={Uri.EscapeDataString(ComponentAppid)}&component_access_token={Uri.EscapeDataString(_componentAccessToken!)}";

    public override string ToString() => $"LoginClient {{ Appid = {Appid}, ComponentAppid = {ComponentAppid} }}";
}
