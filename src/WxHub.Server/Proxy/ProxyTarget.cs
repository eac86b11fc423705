using System.Diagnostics.CodeAnalysis;
using WxHub.Protocol.Requests;

namespace WxHub.Server.Proxy;

/// <summary>
/// The WeChat path and query a proxied call names. Read from the raw request target, so that no decoding or dot-segment
/// removal by the server can change which path, or which app, a call reaches.
/// </summary>
public sealed class ProxyTarget
{
    public const string Prefix = "/wechat-api/";

    private ProxyTarget(string path, string query)
    {
        Path = path;
        Query = query;
    }

    /// <summary>The WeChat path, e.g. <c>/cgi-bin/message/custom/send</c>.</summary>
    public string Path { get; }

    /// <summary>The caller's query as sent (still encoded), without the <c>?</c>.</summary>
    public string Query { get; }

    /// <summary>The <c>access_token</c> the caller sent, decoded; null when there is none.</summary>
    public string? CallerToken => CredentialQuery.Find(Query, CredentialQuery.AccessToken);

    /// <summary>
    /// Parses <c>/wechat-api/{appid}/{path}?{query}</c>. The path must be plain segments of letters, digits, <c>_</c>,
    /// <c>-</c>, <c>.</c> and <c>~</c>: no <c>.</c> or <c>..</c> segment, no empty one and no percent-encoding, which
    /// no WeChat API path needs and which is how traversal hides (<c>%2F</c>, <c>%2e%2e</c>).
    /// </summary>
    public static bool TryParse(string rawTarget, string appid, [NotNullWhen(true)] out ProxyTarget? target, [NotNullWhen(false)] out string? problem)
    {
        target = null;
        var queryStart = rawTarget.IndexOf('?');
        var rawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var query = queryStart < 0 ? "" : rawTarget[(queryStart + 1)..];

        var appPrefix = Prefix + appid;
        if (!rawPath.StartsWith(appPrefix + "/", StringComparison.Ordinal))
        {
            problem = $"Call WeChat's API as {Prefix}{{appid}}/{{path}}, with the appid written plainly (no percent-encoding).";
            return false;
        }
        var path = rawPath[appPrefix.Length..];
        if (!IsPlainPath(path))
        {
            problem = $"'{path}' is not a WeChat API path: give segments of letters, digits, '_', '-' and '.' separated by single '/', "
                + "without '.' or '..' segments or percent-encoding, e.g. /cgi-bin/user/info.";
            return false;
        }
        target = new ProxyTarget(path, query);
        problem = null;
        return true;
    }

    private static bool IsPlainPath(string path)
    {
        var segments = path.Split('/');
        // The path starts with '/', so the first "segment" is empty; every other one must be a plain name.
        return segments.Length > 1 && segments.Skip(1).All(s => s.Length > 0 && s != "." && s != ".." && s.All(IsPlain));
    }

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '~';
}
