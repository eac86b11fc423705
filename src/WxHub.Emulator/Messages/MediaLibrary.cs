using WxHub.Emulator.Credentials;

namespace WxHub.Emulator.Messages;

/// <summary>A temporary media file of an account.</summary>
internal sealed record MediaItem(string MediaId, string AppId, string ContentType, byte[] Content, DateTimeOffset ExpiresAt)
{
    public bool IsVideo => ContentType.StartsWith("video/", StringComparison.OrdinalIgnoreCase);

    public string FileExtension => ContentType.ToLowerInvariant() switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/gif" => ".gif",
        "audio/amr" => ".amr",
        "audio/mpeg" => ".mp3",
        "video/mp4" => ".mp4",
        _ => ".bin",
    };
}

/// <summary>Temporary media, gone after 3 days (stated for WeCom; the stricter choice for accounts too). Callers hold the state lock.</summary>
internal sealed class MediaLibrary
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(3);

    private readonly Dictionary<string, MediaItem> _items = new(StringComparer.Ordinal);

    public MediaItem Add(string appId, string contentType, byte[] content, DateTimeOffset now)
    {
        var item = new MediaItem(CredentialBook.Base64Url(48), appId, contentType, content, now + Lifetime);
        _items[item.MediaId] = item;
        return item;
    }

    /// <summary>The account's media with this id while it lasts; null otherwise.</summary>
    public MediaItem? Find(string appId, string? mediaId, DateTimeOffset now) =>
        mediaId is not null && _items.TryGetValue(mediaId, out var item) && item.AppId == appId && item.ExpiresAt > now ? item : null;

    public MediaItem? Find(string mediaId) => _items.GetValueOrDefault(mediaId);
}
