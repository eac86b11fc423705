using System.ComponentModel.DataAnnotations;

namespace WxHub.Core.OAuth;

/// <summary>Web authorization and sign-in settings (the <c>OAuth</c> section).</summary>
public sealed class OAuthOptions
{
    public const string SectionName = "OAuth";

    /// <summary>
    /// WxHub's address as browsers reach it (e.g. <c>https://hub.example.com</c>), for the callback WeChat redirects to.
    /// When absent, it is taken from the request that starts the authorization.
    /// </summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>How long a person may take between being sent to WeChat and coming back (QR codes sit on screens).</summary>
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the business has to exchange the one-time <c>wxhub_code</c> it was handed.</summary>
    public TimeSpan SignInCodeLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest business <c>state</c> WxHub carries through an authorization.</summary>
    [Range(1, 4096)]
    public int MaxBusinessStateLength { get; set; } = 512;

    /// <summary>How long a Mini Program session (and its session_key) is kept for decryption after login.</summary>
    public TimeSpan MiniProgramSessionLifetime { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How long a user's profile in the directory is served before <c>/cgi-bin/user/info</c> is asked again.</summary>
    public TimeSpan ProfileLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long WeChat's codes are remembered after use, so a replay is refused (WeChat's codes live 5 to 10 minutes).</summary>
    public TimeSpan UsedCodeMemory { get; set; } = TimeSpan.FromHours(1);
}
