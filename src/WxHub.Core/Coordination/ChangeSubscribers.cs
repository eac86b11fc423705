using Microsoft.Extensions.Logging;

namespace WxHub.Core.Coordination;

/// <summary>The handlers subscribed in this process, by channel; one failing handler does not stop the others.</summary>
internal sealed partial class ChangeSubscribers(ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Action<string?>>> _handlers = new(StringComparer.Ordinal);

    public IDisposable Add(string channel, Action<string?> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            if (!_handlers.TryGetValue(channel, out var list)) _handlers[channel] = list = [];
            list.Add(handler);
        }
        return new Subscription(this, channel, handler);
    }

    public void Deliver(string channel, string? payload)
    {
        Action<string?>[] handlers;
        lock (_gate) handlers = _handlers.TryGetValue(channel, out var list) ? [.. list] : [];
        foreach (var handler in handlers) Invoke(channel, handler, payload);
    }

    /// <summary>Tells every subscriber that it may have missed notifications.</summary>
    public void DeliverMissedToAll()
    {
        (string Channel, Action<string?> Handler)[] all;
        lock (_gate) all = [.. _handlers.SelectMany(pair => pair.Value.Select(handler => (pair.Key, handler)))];
        foreach (var (channel, handler) in all) Invoke(channel, handler, null);
    }

    private void Invoke(string channel, Action<string?> handler, string? payload)
    {
        try
        {
            handler(payload);
        }
        catch (Exception e)
        {
            LogHandlerFailed(e, channel);
        }
    }

    private void Remove(string channel, Action<string?> handler)
    {
        lock (_gate)
        {
            if (_handlers.TryGetValue(channel, out var list) && list.Remove(handler) && list.Count == 0) _handlers.Remove(channel);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A change handler on channel {Channel} failed; the others still ran.")]
    private partial void LogHandlerFailed(Exception exception, string channel);

    private sealed class Subscription(ChangeSubscribers owner, string channel, Action<string?> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Remove(channel, handler);
        }
    }
}
