namespace WxHub.Core.WeChat;

/// <summary>The WeChat API paths WxHub calls, also the keys of its daily quota counts.</summary>
public static class WeChatEndpoints
{
    public const string Token = "/cgi-bin/token";
    public const string StableToken = "/cgi-bin/stable_token";
    public const string GetTicket = "/cgi-bin/ticket/getticket";

    // Third-party platform (component) calls, reference section 4.
    public const string StartPushTicket = "/cgi-bin/component/api_start_push_ticket";
    public const string ComponentToken = "/cgi-bin/component/api_component_token";
    public const string CreatePreAuthCode = "/cgi-bin/component/api_create_preauthcode";
    public const string QueryAuth = "/cgi-bin/component/api_query_auth";
    public const string AuthorizerToken = "/cgi-bin/component/api_authorizer_token";
    public const string GetAuthorizerInfo = "/cgi-bin/component/api_get_authorizer_info";
    public const string GetAuthorizerList = "/cgi-bin/component/api_get_authorizer_list";

    /// <summary>Not a path: the quota key of stable_token calls with <c>force_refresh</c>, which WeChat limits apart.</summary>
    public const string StableTokenForceRefresh = "/cgi-bin/stable_token#force_refresh";
}
