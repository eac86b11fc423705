namespace WxHub.Core.Coordination;

/// <summary>
/// Tells every WxHub instance on the same store that something changed, e.g. "credential wx123/AccessToken was
/// replaced", so each drops its cached copy. Delivery is best effort and fast, not durable: the store stays the truth,
/// and a subscriber told <c>null</c> may have missed notifications and must assume anything on its channel changed.
/// </summary>
public interface IChangeNotifications
{
    /// <summary>
    /// Delivers <paramref name="payload"/> to every subscriber of <paramref name="channel"/> on every instance, this one
    /// included. Channel and payload together are at most <see cref="ChangeMessage.MaxBytes"/> UTF-8 bytes and the
    /// channel has no line break.
    /// </summary>
    Task PublishAsync(string channel, string payload, CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="handler"/> with each payload published on <paramref name="channel"/> once the returned task
    /// has completed (at once if the store is unreachable then), and with <c>null</c> whenever notifications may have
    /// been missed (the connection to the store was lost and is back). Handlers run on a background thread, must be
    /// quick and must not throw. Dispose the result to stop.
    /// </summary>
    Task<IDisposable> SubscribeAsync(string channel, Action<string?> handler, CancellationToken cancellationToken = default);
}
