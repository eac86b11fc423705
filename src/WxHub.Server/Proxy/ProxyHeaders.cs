namespace WxHub.Server.Proxy;

/// <summary>Which headers cross the proxy: all but the hop-by-hop ones, and on the way in, none that carry WxHub's key.</summary>
internal static class ProxyHeaders
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        // The address is the access point's; the length is the body's own.
        "Host", "Content-Length", "Expect",
        // WxHub's API key must never reach WeChat.
        "Authorization", Http.AccessFilters.KeyHeader,
        // WeChat's answer must stay readable to the proxy, which looks for errcode 40001 in it.
        "Accept-Encoding",
    };

    public static bool IsHopByHop(string name) => HopByHop.Contains(name);

    public static bool IsForwardedRequestHeader(string name) => !HopByHop.Contains(name) && !NotForwarded.Contains(name);
}
