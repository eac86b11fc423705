using System.Text.RegularExpressions;
using WxHub.Core.Apps;
using WxHub.Core.Components;

namespace WxHub.Core.Messages;

/// <summary>What an operator asks for when adding a subscriber to an app.</summary>
public sealed record SubscriberRequest(string? Url, string? Secret, IReadOnlyList<string>? Events, string? Mode);

/// <summary>Adds, lists and removes an app's subscribers, validating input once for every front end.</summary>
public sealed partial class SubscriberAdministration(ISubscriberStore store, AccountDirectory accounts, TimeProvider time)
{
    /// <summary>The shortest subscriber secret accepted: it keys an HMAC, so it must not be guessable.</summary>
    public const int MinSecretLength = 16;

    private const int MaxEvents = 64;

    public async Task<AdminResult<Subscriber>> AddAsync(string appid, SubscriberRequest request, CancellationToken cancellationToken = default)
    {
        if (!await accounts.KnowsAsync(appid, cancellationToken)) return NotFound(appid);
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            return Fail("invalid_url", "'url' must be an absolute http:// or https:// URL where the business service takes deliveries.");
        if (request.Secret is null || request.Secret.Length < MinSecretLength || request.Secret.Length > 256)
            return Fail("invalid_secret", $"'secret' must be {MinSecretLength} to 256 characters; it keys the HMAC-SHA256 signature of every delivery.");
        var events = request.Events ?? [];
        if (events.Count > MaxEvents || events.Any(e => e is null || !FilterPattern().IsMatch(e)))
            return Fail("invalid_events", $"'events' lists up to {MaxEvents} MsgTypes or event names (e.g. \"text\", \"event\", \"subscribe\"), or \"*\"; empty or absent means every message.");
        if (!TryParseMode(request.Mode ?? "async", out var mode))
            return Fail("invalid_mode", "'mode' must be \"async\" (the default: delivered through the outbox) or \"sync\" (asked for a passive reply within the budget).");

        var subscriber = new Subscriber(
            MessageIds.Subscriber(), appid, url, request.Secret, events.Distinct().ToArray(), mode, time.GetUtcNow());
        return await store.AddAsync(subscriber, cancellationToken)
            ? AdminResult<Subscriber>.Ok(subscriber)
            : Fail("sync_subscriber_exists", $"App '{appid}' already has a sync subscriber and WeChat takes one reply; add this one as \"async\" or remove the other first.");
    }

    public async Task<AdminResult<IReadOnlyList<Subscriber>>> ListAsync(string appid, CancellationToken cancellationToken = default) =>
        !await accounts.KnowsAsync(appid, cancellationToken)
            ? AdminResult<IReadOnlyList<Subscriber>>.Fail("app_not_found", NotFound(appid).Message!)
            : AdminResult<IReadOnlyList<Subscriber>>.Ok(await store.ListAsync(appid, cancellationToken));

    public Task<bool> RemoveAsync(string appid, string id, CancellationToken cancellationToken = default) =>
        store.DeleteAsync(appid, id, cancellationToken);

    public static string ModeName(SubscriberMode mode) => mode == SubscriberMode.Sync ? "sync" : "async";

    private static bool TryParseMode(string value, out SubscriberMode mode)
    {
        (mode, var known) = value switch
        {
            "async" => (SubscriberMode.Async, true),
            "sync" => (SubscriberMode.Sync, true),
            _ => (default, false),
        };
        return known;
    }

    private static AdminResult<Subscriber> NotFound(string appid) => Fail("app_not_found", AccountDirectory.NotFoundMessage(appid));

    private static AdminResult<Subscriber> Fail(string error, string message) => AdminResult<Subscriber>.Fail(error, message);

    [GeneratedRegex(@"^(\*|[A-Za-z0-9_.\-]{1,64})$")]
    private static partial Regex FilterPattern();
}
