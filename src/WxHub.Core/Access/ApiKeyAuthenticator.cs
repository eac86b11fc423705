using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using WxHub.Core.Coordination;

namespace WxHub.Core.Access;

/// <summary>
/// Turns a presented key into the <see cref="ApiKey"/> it names. Keys are cached after their first lookup so token reads
/// do not touch the store; <see cref="Forget"/> drops a key when it is revoked. Unknown ids are not cached, so random keys
/// cannot fill memory. A known key is checked without allocating: the id is looked up as a span and the secret hashed on
/// the stack, once; the secret that matched is then remembered beside the key and later presentations are compared with
/// it in constant time instead of hashed again (the store still holds only the hash). In a cluster, revocations are
/// announced on <see cref="RevocationChannel"/> and, once started as a hosted service, every instance drops the key.
/// </summary>
public sealed class ApiKeyAuthenticator(IApiKeyStore store, IChangeNotifications notifications) : IHostedService, IDisposable
{
    public const string RevocationChannel = "api-key-revoked";

    private readonly ConcurrentDictionary<string, CachedKey> _cache = new(StringComparer.Ordinal);
    // Counts Forget calls: a load that read the store before a revocation must not put the old record back.
    private long _forgotten;
    private IDisposable? _listening;

    public ValueTask<ApiKey?> AuthenticateAsync(string? presented, CancellationToken cancellationToken = default)
    {
        if (presented is null || !ApiKeySecret.TryParse(presented, out var id, out var secret)) return ValueTask.FromResult<ApiKey?>(null);
        return _cache.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(presented.AsSpan()[id], out var cached)
            ? ValueTask.FromResult(cached.Verify(presented.AsSpan()[secret]))
            : LoadAsync(presented, id, secret, cancellationToken);
    }

    private async ValueTask<ApiKey?> LoadAsync(string presented, Range id, Range secret, CancellationToken cancellationToken)
    {
        var forgotten = Interlocked.Read(ref _forgotten);
        var key = await store.GetAsync(presented[id], cancellationToken);
        if (key is null) return null;
        var cached = new CachedKey(key);
        // Cached only when no revocation happened meanwhile; otherwise the next read asks the store again.
        if (_cache.TryAdd(key.Id, cached) && Interlocked.Read(ref _forgotten) != forgotten) _cache.TryRemove(new(key.Id, cached));
        return cached.Verify(presented.AsSpan()[secret]);
    }

    public void Forget(string id)
    {
        Interlocked.Increment(ref _forgotten);
        _cache.TryRemove(id, out _);
    }

    /// <summary>A key record and the secret last verified against its hash.</summary>
    private sealed class CachedKey(ApiKey key)
    {
        private byte[]? _verified;

        public ApiKey? Verify(ReadOnlySpan<char> secret) =>
            !key.IsRevoked && ApiKeySecret.Matches(secret, key.SecretHash, ref _verified) ? key : null;
    }

    /// <summary>Drops each key another instance revokes, and every key when revocations may have been missed.</summary>
    public async Task StartAsync(CancellationToken cancellationToken) =>
        _listening = await notifications.SubscribeAsync(RevocationChannel, id =>
        {
            if (id is null)
            {
                Interlocked.Increment(ref _forgotten);
                _cache.Clear();
            }
            else Forget(id);
        }, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _listening?.Dispose();
}
