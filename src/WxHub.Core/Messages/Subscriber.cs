namespace WxHub.Core.Messages;

/// <summary>
/// How WxHub hands messages to a subscriber. A sync subscriber is asked inside WeChat's 5-second window and may answer
/// with a passive reply; an async one only receives (through the outbox).
/// </summary>
public enum SubscriberMode { Async, Sync }

/// <summary>
/// A business service that receives an app's messages as signed JSON POSTs. <see cref="Secret"/> keys the HMAC on
/// every delivery; it is plaintext in memory only (stores encrypt it).
/// </summary>
public sealed record Subscriber(
    string Id,
    string Appid,
    Uri Url,
    string Secret,
    IReadOnlyList<string> Events,
    SubscriberMode Mode,
    DateTimeOffset CreatedAt)
{
    /// <summary>The filter that matches every message; so does an empty filter list.</summary>
    public const string AnyEvent = "*";

    /// <summary>
    /// Whether the subscriber wants a message: a filter names a MsgType (<c>text</c>, <c>event</c>, …) or an event
    /// (<c>subscribe</c>, <c>CLICK</c>, …), compared without case.
    /// </summary>
    public bool Wants(string msgType, string? eventName) =>
        Events.Count == 0 || Events.Any(filter =>
            filter == AnyEvent
            || filter.Equals(msgType, StringComparison.OrdinalIgnoreCase)
            || (eventName is not null && filter.Equals(eventName, StringComparison.OrdinalIgnoreCase)));

    // Records print their members; a subscriber must never print its secret into a log.
    public override string ToString() => $"Subscriber {{ Id = {Id}, Appid = {Appid}, Url = {Url}, Mode = {Mode} }}";
}

public interface ISubscriberStore
{
    /// <summary>Adds the subscriber; false when it is a second sync subscriber of its app (there can be one).</summary>
    Task<bool> AddAsync(Subscriber subscriber, CancellationToken cancellationToken = default);

    Task<Subscriber?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The app's subscribers, oldest first.</summary>
    Task<IReadOnlyList<Subscriber>> ListAsync(string appid, CancellationToken cancellationToken = default);

    /// <summary>Removes the subscriber and its undelivered outbox entries; false when the app has no such subscriber.</summary>
    Task<bool> DeleteAsync(string appid, string id, CancellationToken cancellationToken = default);
}
