namespace WxHub.Core.WeChat;

/// <summary>
/// Where browsers are sent for WeChat's pages (authorization, QR-code login): the root setting <c>WeChatPages</c>
/// (<c>--wechat-pages</c>, <c>WXHUB_WECHATPAGES</c>); when absent and the API is not WeChat's own (an emulator), the
/// first API access point, which serves the pages too; otherwise WeChat's own hosts.
/// </summary>
public sealed class WeChatPagesOptions
{
    public const string Key = "WeChatPages";

    /// <summary>Null for WeChat's own hosts.</summary>
    public Uri? Base { get; set; }

    /// <summary><c>https://open.weixin.qq.com</c>, or <see cref="Base"/>.</summary>
    public Uri OpenPlatform => Base ?? new Uri("https://open.weixin.qq.com");

    /// <summary><c>https://mp.weixin.qq.com</c>, or <see cref="Base"/>.</summary>
    public Uri MediaPlatform => Base ?? new Uri("https://mp.weixin.qq.com");

    internal static bool IsWeChatOwn(Uri url) => url.Host.EndsWith(".weixin.qq.com", StringComparison.OrdinalIgnoreCase);
}
