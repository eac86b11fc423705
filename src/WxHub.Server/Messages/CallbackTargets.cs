using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WxHub.Core.Apps;
using WxHub.Core.Components;
using WxHub.Core.Messages;
using WxHub.Protocol.Crypto;

namespace WxHub.Server.Messages;

/// <summary>
/// What a push needs to know about where it goes: <see cref="Appid"/>, the account whose subscribers get it, and how
/// WeChat protects it — the Token, the EncodingAESKeys parsed, and <see cref="ReceiverId"/>, the id inside each
/// ciphertext. These are the app's own for a registered app, and the platform's for a platform's system pushes and its
/// authorizers' messages (reference §4.11). The Token and keys are secrets.
/// </summary>
public sealed record CallbackTarget(
    string Appid,
    string ReceiverId,
    string? Token,
    EncodingAesKey? Key,
    EncodingAesKey? PreviousKey,
    IReadOnlyList<Subscriber> Subscribers,
    DateTimeOffset LoadedAt)
{
    public override string ToString() => $"CallbackTarget {{ Appid = {Appid}, ReceiverId = {ReceiverId} }}";
}

/// <summary>
/// Keeps each <see cref="CallbackTarget"/> in memory for <see cref="MessageServerOptions.AppCacheLifetime"/>, so a push
/// costs no store read and no secret decryption. Changes made through this process (admin API, configuration) take
/// effect at once; changes written by another process (the CLI) within the lifetime. Unknown appids are never cached,
/// so made-up ones cannot fill memory. An authorizer's grant is checked on every push: a revoked one gets no more.
/// </summary>
public sealed class CallbackTargets(
    IAppStore apps,
    IComponentStore components,
    IAuthorizerStore authorizers,
    ISubscriberStore subscribers,
    TimeProvider time,
    IOptions<MessageServerOptions> options) : IAppChangeListener
{
    private readonly ConcurrentDictionary<(string ReceiverId, string Appid), CallbackTarget> _targets = new();

    /// <summary>A registered app's own callbacks.</summary>
    public Task<CallbackTarget?> GetAsync(string appid, CancellationToken cancellationToken) =>
        GetOrLoadAsync(appid, appid, async () => await apps.GetAsync(appid, cancellationToken) is { } app
            ? (app.Token, app.EncodingAesKey, app.PreviousEncodingAesKey)
            : null, cancellationToken);

    /// <summary>A platform's system pushes (<paramref name="appid"/> null), or the messages of one of its active authorizers.</summary>
    public async Task<CallbackTarget?> GetComponentAsync(string componentAppid, string? appid, CancellationToken cancellationToken)
    {
        if (appid is not null
            && (await authorizers.GetAsync(appid, cancellationToken) is not { Status: AuthorizerStatus.Authorized } authorizer || authorizer.ComponentAppid != componentAppid))
            return null;
        return await GetOrLoadAsync(componentAppid, appid ?? componentAppid, async () => await components.GetAsync(componentAppid, cancellationToken) is { } component
            ? (component.Token, component.EncodingAesKey, component.PreviousEncodingAesKey)
            : null, cancellationToken);
    }

    /// <summary>Drops what is known about the account, e.g. after its subscribers changed.</summary>
    public void Forget(string appid)
    {
        foreach (var key in _targets.Keys.Where(k => k.Appid == appid || k.ReceiverId == appid)) _targets.TryRemove(key, out _);
    }

    public ValueTask OnAppChangedAsync(string appid, AppRegistration? current, CancellationToken cancellationToken)
    {
        Forget(appid);
        return ValueTask.CompletedTask;
    }

    private async Task<CallbackTarget?> GetOrLoadAsync(
        string receiverId, string appid, Func<Task<(string? Token, string? Key, string? PreviousKey)?>> load, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_targets.TryGetValue((receiverId, appid), out var cached) && now - cached.LoadedAt < options.Value.AppCacheLifetime) return cached;
        if (await load() is not { } secrets) return null;

        EncodingAesKey.TryParse(secrets.Key, out var key, out _);
        EncodingAesKey.TryParse(secrets.PreviousKey, out var previous, out _);
        var target = new CallbackTarget(appid, receiverId, secrets.Token, key, previous, await subscribers.ListAsync(appid, cancellationToken), now);
        _targets[(receiverId, appid)] = target;
        return target;
    }
}
