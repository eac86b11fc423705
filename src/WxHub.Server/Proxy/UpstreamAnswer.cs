using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using WxHub.Protocol.Errors;

namespace WxHub.Server.Proxy;

/// <summary>
/// WeChat's answer on its way back to the caller, unchanged: status, headers (less hop-by-hop ones) and body. A JSON or
/// text answer is read up to <see cref="PeekBytes"/> first, so that the proxy sees WeChat's errcode before answering.
/// </summary>
internal sealed class UpstreamAnswer : IResult, IDisposable
{
    /// <summary>WeChat's error bodies are a few hundred bytes; anything longer is an answer, not an error.</summary>
    public const int PeekBytes = 16 * 1024;

    private readonly HttpResponseMessage _response;
    private readonly byte[] _head;
    private readonly int _headLength;
    private readonly Stream? _rest;

    private UpstreamAnswer(HttpResponseMessage response, byte[] head, int headLength, Stream? rest, int? errCode)
    {
        _response = response;
        _head = head;
        _headLength = headLength;
        _rest = rest;
        ErrCode = errCode;
    }

    /// <summary>WeChat's errcode when the answer is a whole JSON body that carries a non-zero one.</summary>
    public int? ErrCode { get; }

    public static async Task<UpstreamAnswer> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var type = response.Content.Headers.ContentType?.MediaType;
        // Files (media downloads) stream untouched; WeChat's JSON comes as application/json or text/plain.
        if (type is not null && !type.Contains("json", StringComparison.OrdinalIgnoreCase) && !type.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
            return new UpstreamAnswer(response, [], 0, body, null);

        var head = new byte[PeekBytes];
        var length = await body.ReadAtLeastAsync(head, PeekBytes, throwOnEndOfStream: false, cancellationToken);
        if (length == PeekBytes) return new UpstreamAnswer(response, head, length, body, null);
        var status = WeChatJson.ReadStatus(head.AsSpan(0, length));
        return new UpstreamAnswer(response, head, length, null, status.IsSuccess ? null : status.ErrCode);
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using var owned = this;
        var response = httpContext.Response;
        response.StatusCode = (int)_response.StatusCode;
        var listed = _response.Headers.Connection;
        foreach (var (name, values) in _response.Headers.Concat(_response.Content.Headers))
        {
            if (!ProxyHeaders.IsHopByHop(name) && !listed.Contains(name, StringComparer.OrdinalIgnoreCase))
                response.Headers[name] = new StringValues(values.ToArray());
        }

        try
        {
            await response.Body.WriteAsync(_head.AsMemory(0, _headLength), httpContext.RequestAborted);
            if (_rest is not null) await _rest.CopyToAsync(response.Body, httpContext.RequestAborted);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !httpContext.RequestAborted.IsCancellationRequested)
        {
            // WeChat's connection broke mid-body; the status line is gone, so the caller must see a broken answer, not a short one.
            httpContext.Abort();
        }
    }

    public void Dispose() => _response.Dispose();
}
