using System.Collections.Concurrent;

namespace WxHub.Core.Access;

/// <summary>
/// Turns a presented key into the <see cref="ApiKey"/> it names. Keys are cached after their first lookup so token reads
/// do not touch the store; <see cref="Forget"/> drops a key when it is revoked. Unknown ids are not cached, so random keys
/// cannot fill memory. A known key is checked without allocating: the id is looked up as a span and the secret hashed on
/// the stack.
/// </summary>
public sealed class ApiKeyAuthenticator(IApiKeyStore store)
{
    private readonly ConcurrentDictionary<string, ApiKey> _cache = new(StringComparer.Ordinal);

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
}
