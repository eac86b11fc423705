namespace WxHub.Core.Components;

/// <summary>How WxHub runs third-party platforms; bound from the <c>Components</c> section of configuration.</summary>
public sealed class ComponentOptions
{
    public const string SectionName = "Components";

    /// <summary>
    /// The address browsers reach WxHub at (e.g. <c>https://hub.example.com</c>), for the <c>redirect_uri</c> WeChat sends
    /// the administrator back to after authorizing; when absent, the address of the request that started the authorization.
    /// </summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>How long WeChat takes a component_verify_ticket after pushing it (reference §4.1).</summary>
    public static readonly TimeSpan TicketLifetime = TimeSpan.FromHours(12);

    /// <summary>
    /// How much earlier than the refresh margin an authorizer token's refresh may fall, at random: a platform's many
    /// authorizers, often authorized or restored together, are refreshed spread over this window instead of at once.
    /// A new authorizer token costs nothing (unlike stable_token, which returns the same one until its last minutes).
    /// </summary>
    public TimeSpan AuthorizerRefreshSpread { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The shortest wait between two <c>api_start_push_ticket</c> calls for one platform.</summary>
    public TimeSpan StartPushTicketSpacing { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long start-up waits for a ticket WeChat was asked to push before it syncs a platform's authorizers anyway.</summary>
    public TimeSpan TicketWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often authorizations left unfinished (the process stopped during one) are reconciled with WeChat's authorizer list.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(5);
}
