using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using WxHub.Emulator.Api;

namespace WxHub.Emulator.Messages;

/// <summary>One file part of a <c>multipart/form-data</c> body, as WeChat's upload APIs take it.</summary>
internal sealed record UploadedFile(string? FileName, string? ContentType, byte[] Content)
{
    /// <summary>The part named <paramref name="field"/>; null when the body is not multipart, is malformed or lacks it.</summary>
    public static async Task<UploadedFile?> ReadAsync(ApiCall call, string field)
    {
        if (!MediaTypeHeaderValue.TryParse(call.Http.Request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            return null;
        }

        var reader = new MultipartReader(boundary, new MemoryStream(call.Body));
        try
        {
            while (await reader.ReadNextSectionAsync() is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || HeaderUtilities.RemoveQuotes(disposition.Name).Value != field)
                {
                    continue;
                }
                using var content = new MemoryStream();
                await section.Body.CopyToAsync(content);
                return new UploadedFile(HeaderUtilities.RemoveQuotes(disposition.FileName).Value, section.ContentType, content.ToArray());
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // How MultipartReader reports a truncated or malformed body: WeChat then sees no media.
        }
        return null;
    }
}
