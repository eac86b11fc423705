namespace WxHub.Server.Messages;

/// <summary>Settings of the message server, bound from the <c>Messages</c> section (e.g. <c>WXHUB_Messages__SyncBudget=00:00:03</c>).</summary>
public sealed class MessageServerOptions
{
    public const string Section = "Messages";

    /// <summary>How far a push's <c>timestamp</c> may be from now, either way; older ones are refused as replays.</summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long WeChat's answer waits for the sync subscriber; WeChat itself gives up after 5 seconds.</summary>
    public TimeSpan SyncBudget { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How long one delivery attempt may take before it counts as failed.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an app's registration and subscribers are kept in memory when changed by another process (the CLI).</summary>
    public TimeSpan AppCacheLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait after the first failed attempt; it doubles with each further failure up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The largest push body accepted (real pushes are a few KB; compatible mode roughly triples them).</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Outbox deliveries sent at the same time.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 16;

    /// <summary>
    /// How long an instance's claim on a delivery it sends lasts unless renewed (renewed every third of it while the
    /// send runs): an instance that dies, or cannot record an outcome, has its deliveries sent by others after this.
    /// </summary>
    public TimeSpan DeliveryClaim { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long accepted pushes are kept (for de-duplication and the admin API) once all their deliveries are done.</summary>
    public TimeSpan CallbackRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The wait before attempt number <paramref name="failures"/> + 1: exponential, capped.</summary>
    public TimeSpan RetryDelay(int failures)
    {
        var factor = Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(RetryInitialDelay.Ticks * factor, RetryMaxDelay.Ticks));
    }

    internal string? Validate() =>
        ReplayWindow <= TimeSpan.Zero ? "Messages:ReplayWindow must be positive."
        : SyncBudget <= TimeSpan.Zero ? "Messages:SyncBudget must be positive (WeChat waits 5 s; the default is 4 s)."
        : DeliveryTimeout < SyncBudget ? "Messages:DeliveryTimeout must be at least Messages:SyncBudget."
        : RetryInitialDelay <= TimeSpan.Zero || RetryMaxDelay < RetryInitialDelay ? "Messages:RetryInitialDelay must be positive and at most Messages:RetryMaxDelay."
        : AppCacheLifetime < TimeSpan.Zero ? "Messages:AppCacheLifetime may not be negative (zero reads the store on every push)."
        : MaxBodyBytes < 1024 ? "Messages:MaxBodyBytes must be at least 1024."
        : MaxConcurrentDeliveries < 1 ? "Messages:MaxConcurrentDeliveries must be at least 1."
        : DeliveryClaim < TimeSpan.FromSeconds(1) ? "Messages:DeliveryClaim must be at least a second."
        : CallbackRetention < TimeSpan.FromMinutes(1) ? "Messages:CallbackRetention must be at least a minute (WeChat retries for about 15 s)."
        : null;
}
