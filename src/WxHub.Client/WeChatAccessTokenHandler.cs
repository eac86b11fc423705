using System.Net.Http.Json;
using WxHub.Protocol.Errors;
using WxHub.Protocol.Requests;

namespace WxHub.Client;

/// <summary>
/// For services that call WeChat directly: puts the app's access token from WxHub into each request's
/// <c>access_token</c> parameter (replacing any there). When WeChat answers 40001, 40014 or 42001 it reports that exact
/// token to WxHub (compare-and-refresh) and, when the request body could be held, sends the call once more with the new
/// one. Add it with <see cref="WxHubClientServiceCollectionExtensions.AddWxHubAccessToken"/>.
/// </summary>
public sealed class WeChatAccessTokenHandler(IWxHubClient wxhub, string appid, int maxReplayableBodyBytes) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri ?? throw new InvalidOperationException("The request to WeChat has no URL.");
        var replayable = await HoldBodyAsync(request.Content, cancellationToken);
        var token = await wxhub.GetAccessTokenAsync(appid, cancellationToken);
        request.RequestUri = WithToken(url, token.Value);
        var response = await base.SendAsync(request, cancellationToken);

        if (await ErrCodeAsync(response, cancellationToken) is not { } errcode || !WeChatErrorCatalog.IsTokenInvalid(errcode)) return response;
        var replaced = await wxhub.InvalidateAccessTokenAsync(appid, token.Value, cancellationToken);
        if (!replayable) return response;

        response.Dispose();
        request.RequestUri = WithToken(url, replaced.Value);
        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>Buffers a body that can be sent twice: none, one of known length within the bound, or JSON (serialised again on demand).</summary>
    private async Task<bool> HoldBodyAsync(HttpContent? content, CancellationToken cancellationToken)
    {
        if (content is null) return true;
        if (content.Headers.ContentLength is not { } length) return content is JsonContent;
        if (length > maxReplayableBodyBytes) return false;
        await content.LoadIntoBufferAsync(maxReplayableBodyBytes, cancellationToken);
        return true;
    }

    /// <summary>WeChat's errcode in a JSON (or text) answer, which is buffered to read it; files are left alone.</summary>
    private static async Task<int?> ErrCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var type = response.Content.Headers.ContentType?.MediaType;
        if (type is null || (!type.Contains("json", StringComparison.OrdinalIgnoreCase) && !type.StartsWith("text/", StringComparison.OrdinalIgnoreCase))) return null;
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var status = WeChatJson.ReadStatus(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        return status.IsSuccess ? null : status.ErrCode;
    }

    private static Uri WithToken(Uri url, string token) =>
        new UriBuilder(url) { Query = CredentialQuery.With(url.Query, CredentialQuery.AccessToken, token) }.Uri;
}
