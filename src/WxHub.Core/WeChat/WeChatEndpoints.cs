namespace WxHub.Core.WeChat;

/// <summary>The WeChat API paths WxHub calls, also the keys of its daily quota counts.</summary>
public static class WeChatEndpoints
{
    public const string Token = "/cgi-bin/token";
    public const string StableToken = "/cgi-bin/stable_token";
    public const string GetTicket = "/cgi-bin/ticket/getticket";

    /// <summary>Not a path: the quota key of stable_token calls with <c>force_refresh</c>, which WeChat limits apart.</summary>
    public const string StableTokenForceRefresh = "/cgi-bin/stable_token#force_refresh";
}
