namespace WxHub.Core.Credentials;

/// <summary>How WxHub keeps credentials fresh; bound from the <c>Credentials</c> section of configuration.</summary>
public sealed class CredentialOptions
{
    public const string SectionName = "Credentials";

    /// <summary>
    /// A credential is refreshed in the background once less than this is left. Five minutes matches WeChat's
    /// stable_token rotation: a normal-mode call earlier than that returns the same token again.
    /// </summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Each refresh happens a random part of this later than the margin, so many apps do not refresh together.</summary>
    public TimeSpan RefreshJitter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A credential with less than this left is never served; the reader waits for a new one instead.</summary>
    public TimeSpan MinimumLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The shortest wait between two background refreshes of one credential, e.g. when WeChat returned the same token.</summary>
    public TimeSpan MinimumRefreshSpacing { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>stable_token force_refresh calls must be at least this far apart (WeChat ignores closer ones).</summary>
    public TimeSpan ForceRefreshSpacing { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First wait after a transient failure (-1, network, 45011); doubles up to <see cref="MaxTransientBackoff"/>.</summary>
    public TimeSpan TransientBackoff { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan MaxTransientBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// First wait after a failure an operator must fix (IP whitelist, admin confirmation, bad secret); doubles up to
    /// <see cref="MaxOperatorBackoff"/>, so a misconfigured app does not hammer WeChat.
    /// </summary>
    public TimeSpan OperatorBackoff { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxOperatorBackoff { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// In a cluster, how long an instance's hold on a credential's refresh lasts unless renewed (it is renewed while
    /// WeChat answers): if the holder dies, another instance takes over within this time. Far above clock skew.
    /// </summary>
    public TimeSpan RefreshLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Background refreshes running at the same time, across every app, platform and authorizer.</summary>
    public int MaxConcurrentRefreshes { get; set; } = 16;

    /// <summary>
    /// The most background refreshes started per second: the rate WxHub asks WeChat at when many credentials fall due
    /// together (a platform with many authorizers). Readers waiting for a credential are not held back by it.
    /// </summary>
    public double RefreshesPerSecond { get; set; } = 100;
}
