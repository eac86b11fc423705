using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using WxHub.Core.Coordination;

namespace WxHub.Core.Access;

/// <summary>
/// Turns a presented key into the <see cref="ApiKey"/> it names. Keys are cached after their first lookup so token reads
/// do not touch the store; <see cref="Forget"/> drops a key when it is revoked. Unknown ids are not cached, so random keys
/// cannot fill memory. A known key is checked without allocating: the id is looked up as a span and the secret hashed on
/// the stack. In a cluster, revocations are announced on <see cref="RevocationChannel"/> and, once started as a hosted
/// service, every instance drops the key.
/// </summary>
public sealed class ApiKeyAuthenticator(IApiKeyStore store, IChangeNotifications notifications) : IHostedService, IDisposable
{
    public const string RevocationChannel = "api-key-revoked";

    private readonly ConcurrentDictionary<string, ApiKey> _cache = new(StringComparer.Ordinal);
    private IDisposable? _listening;

    public ValueTask<ApiKey?> AuthenticateAsync(string? presented, CancellationToken cancellationToken = default)
    {
        if (presented is null || !ApiKeySecret.TryParse(presented, out var id, out var secret)) return ValueTask.FromResult<ApiKey?>(null);
        return _cache.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(presented.AsSpan()[id], out var key)
            ? ValueTask.FromResult(Verified(key, presented.AsSpan()[secret]))
            : LoadAsync(presented, id, secret, cancellationToken);
    }

    private async ValueTask<ApiKey?> LoadAsync(string presented, Range id, Range secret, CancellationToken cancellationToken)
    {
        var key = await store.GetAsync(presented[id], cancellationToken);
        if (key is null) return null;
        _cache[key.Id] = key;
        return Verified(key, presented.AsSpan()[secret]);
    }

    private static ApiKey? Verified(ApiKey key, ReadOnlySpan<char> secret) =>
        !key.IsRevoked && ApiKeySecret.Matches(secret, key.SecretHash) ? key : null;

    public void Forget(string id) => _cache.TryRemove(id, out _);

    /// <summary>Drops each key another instance revokes, and every key when revocations may have been missed.</summary>
    public async Task StartAsync(CancellationToken cancellationToken) =>
        _listening = await notifications.SubscribeAsync(RevocationChannel, id =>
        {
            if (id is null) _cache.Clear();
            else Forget(id);
        }, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _listening?.Dispose();
}
