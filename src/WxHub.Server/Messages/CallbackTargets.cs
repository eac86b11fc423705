using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WxHub.Core.Apps;
using WxHub.Core.Messages;
using WxHub.Protocol.Crypto;

namespace WxHub.Server.Messages;

/// <summary>What a push needs to know about its app: the registration, its EncodingAESKeys parsed, and its subscribers.</summary>
public sealed record CallbackTarget(
    AppRegistration App,
    EncodingAesKey? Key,
    EncodingAesKey? PreviousKey,
    IReadOnlyList<Subscriber> Subscribers,
    DateTimeOffset LoadedAt)
{
    public string Appid => App.Appid;
}

/// <summary>
/// Keeps each app's <see cref="CallbackTarget"/> in memory for <see cref="MessageServerOptions.AppCacheLifetime"/>, so
/// a push costs no store read and no secret decryption. Changes made through this process (admin API, configuration)
/// take effect at once; changes written by another process (the CLI) within the lifetime. Unknown appids are never
/// cached, so made-up ones cannot fill memory.
/// </summary>
public sealed class CallbackTargets(IAppStore apps, ISubscriberStore subscribers, TimeProvider time, IOptions<MessageServerOptions> options)
    : IAppChangeListener
{
    private readonly ConcurrentDictionary<string, CallbackTarget> _targets = new(StringComparer.Ordinal);

    public async Task<CallbackTarget?> GetAsync(string appid, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_targets.TryGetValue(appid, out var cached) && now - cached.LoadedAt < options.Value.AppCacheLifetime) return cached;
        if (await apps.GetAsync(appid, cancellationToken) is not { } app) return null;

        EncodingAesKey.TryParse(app.EncodingAesKey, out var key, out _);
        EncodingAesKey.TryParse(app.PreviousEncodingAesKey, out var previous, out _);
        var target = new CallbackTarget(app, key, previous, await subscribers.ListAsync(appid, cancellationToken), now);
        _targets[appid] = target;
        return target;
    }

    /// <summary>Drops what is known about the app, e.g. after its subscribers changed.</summary>
    public void Forget(string appid) => _targets.TryRemove(appid, out _);

    public ValueTask OnAppChangedAsync(string appid, AppRegistration? current, CancellationToken cancellationToken)
    {
        Forget(appid);
        return ValueTask.CompletedTask;
    }
}
