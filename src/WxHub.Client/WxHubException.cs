using System.Net;

namespace WxHub.Client;

/// <summary>WxHub refused a call or could not serve it: its error code and message, and WeChat's errcode when WeChat said one.</summary>
public sealed class WxHubException(HttpStatusCode statusCode, string error, string message, int? errCode)
    : Exception($"WxHub answered {(int)statusCode} {error}: {message}")
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>WxHub's error code, e.g. <c>app_not_found</c>, <c>ip_not_whitelisted</c>.</summary>
    public string Error { get; } = error;

    /// <summary>What went wrong and how to fix it, in WxHub's words.</summary>
    public string Detail { get; } = message;

    public int? ErrCode { get; } = errCode;
}
