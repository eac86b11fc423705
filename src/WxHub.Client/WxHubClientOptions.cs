namespace WxHub.Client;

/// <summary>Where WxHub is and how this service proves itself to it.</summary>
public sealed class WxHubClientOptions
{
    /// <summary>WxHub's base URL, e.g. <c>https://wxhub.internal:8080/</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>A WxHub API key (<c>wxk_...</c>) for the apps this service uses. A secret: keep it out of logs and source.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// A cached token or ticket is used while more than this is left of it, then WxHub is asked again. WxHub replaces
    /// credentials about five minutes before they expire, so the default asks at about the time a new one exists.
    /// </summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Request bodies up to this size (with a known length, or JSON) are held so that <see cref="WeChatAccessTokenHandler"/>
    /// can send a call again after WeChat refused its token; larger ones are sent once.
    /// </summary>
    public int MaxReplayableBodyBytes { get; set; } = 1 << 20;
}
