using System.Globalization;

namespace WxHub.Protocol.Signatures;

/// <summary>The JS-SDK <c>wx.config</c> signature.</summary>
public static class JsSdkSignature
{
    /// <summary>
    /// <c>sha1("jsapi_ticket=…&amp;noncestr=…&amp;timestamp=…&amp;url=…")</c>, lowercase hex. The URL is used raw (no
    /// encoding or decoding) without its <c>#fragment</c>, which the page never sends to the server.
    /// </summary>
    public static string Compute(string jsapiTicket, string nonceStr, long timestamp, string url)
    {
        var fragment = url.IndexOf('#', StringComparison.Ordinal);
        var page = fragment < 0 ? url : url[..fragment];
        return Sha1Hex.Of(string.Create(CultureInfo.InvariantCulture,
            $"jsapi_ticket={jsapiTicket}&noncestr={nonceStr}&timestamp={timestamp}&url={page}"));
    }
}
