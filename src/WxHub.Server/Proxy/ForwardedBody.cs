using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace WxHub.Server.Proxy;

/// <summary>
/// The caller's request body on its way to WeChat: held in memory when it fits the replay bound, so it can be sent
/// again; otherwise what was read so far followed by the rest of the caller's stream, which can go out only once.
/// </summary>
internal sealed class ForwardedBody
{
    private const int ChunkBytes = 16 * 1024;

    private static readonly ForwardedBody None = new([], 0, null, 0);

    private readonly byte[] _held;
    private readonly int _heldLength;
    private readonly Stream? _rest;
    private readonly long? _declaredLength;
    private int _restStarted;

    private ForwardedBody(byte[] held, int heldLength, Stream? rest, long? declaredLength)
    {
        _held = held;
        _heldLength = heldLength;
        _rest = rest;
        _declaredLength = declaredLength;
    }

    /// <summary>The whole body is in memory: the call can be repeated.</summary>
    public bool Replayable => _rest is null;

    /// <summary>The body can go out now: it is in memory, or not a byte of the caller's stream has been sent yet.</summary>
    public bool CanSend => _rest is null || Volatile.Read(ref _restStarted) == 0;

    public static async Task<ForwardedBody> ReadAsync(HttpRequest request, int maxReplayableBytes, CancellationToken cancellationToken)
    {
        var canHaveBody = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        if (!canHaveBody || request.ContentLength == 0) return None;
        if (request.ContentLength > maxReplayableBytes) return new ForwardedBody([], 0, request.Body, request.ContentLength);

        var held = new MemoryStream();
        var chunk = new byte[ChunkBytes];
        while (held.Length <= maxReplayableBytes)
        {
            var read = await request.Body.ReadAsync(chunk, cancellationToken);
            if (read == 0) return new ForwardedBody(held.GetBuffer(), (int)held.Length, null, held.Length);
            held.Write(chunk, 0, read);
        }
        return new ForwardedBody(held.GetBuffer(), (int)held.Length, request.Body, request.ContentLength);
    }

    /// <summary>A content for one attempt (a request message disposes its content); null when the call has no body.</summary>
    public HttpContent? CreateContent() => this == None ? null : new Content(this);

    private sealed class Content(ForwardedBody body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(body._held.AsMemory(0, body._heldLength), cancellationToken);
            if (body._rest is not { } rest) return;
            Volatile.Write(ref body._restStarted, 1);
            await rest.CopyToAsync(stream, cancellationToken);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = body._declaredLength ?? 0;
            return body._declaredLength is not null;
        }
    }
}
