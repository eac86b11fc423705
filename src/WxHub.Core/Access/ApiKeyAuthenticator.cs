using System.Collections.Concurrent;

namespace WxHub.Core.Access;

/// <summary>
/// Turns a presented key into the <see cref="ApiKey"/> it names. Keys are cached after their first lookup so token reads
/// do not touch the store; <see cref="Forget"/> drops a key when it is revoked. Unknown ids are not cached, so random keys
/// cannot fill memory.
/// </summary>
public sealed class ApiKeyAuthenticator(IApiKeyStore store)
{
    private readonly ConcurrentDictionary<string, ApiKey> _cache = new(StringComparer.Ordinal);

    public async ValueTask<ApiKey?> AuthenticateAsync(string? presented, CancellationToken cancellationToken = default)
    {
        if (!ApiKeySecret.TryParse(presented, out var id, out var secret)) return null;

        if (!_cache.TryGetValue(id, out var key))
        {
            key = await store.GetAsync(id, cancellationToken);
            if (key is null) return null;
            _cache[id] = key;
        }

        return !key.IsRevoked && ApiKeySecret.Matches(secret, key.SecretHash) ? key : null;
    }

    public void Forget(string id) => _cache.TryRemove(id, out _);
}
