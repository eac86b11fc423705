using Microsoft.Extensions.Logging;

namespace WxHub.Core.Coordination;

/// <summary>Change notifications within one process: what a single instance on the embedded SQLite store needs.</summary>
public sealed class InProcessChangeNotifications(ILogger<InProcessChangeNotifications> logger) : IChangeNotifications
{
    private readonly ChangeSubscribers _subscribers = new(logger);

    public Task PublishAsync(string channel, string payload, CancellationToken cancellationToken = default)
    {
        ChangeMessage.Validate(channel, payload);
        _subscribers.Deliver(channel, payload);
        return Task.CompletedTask;
    }

    public Task<IDisposable> SubscribeAsync(string channel, Action<string?> handler, CancellationToken cancellationToken = default)
    {
        ChangeMessage.Validate(channel, "");
        return Task.FromResult(_subscribers.Add(channel, handler));
    }
}
