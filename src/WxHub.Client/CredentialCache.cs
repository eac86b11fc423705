using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace WxHub.Client;

/// <summary>
/// Tokens and tickets already fetched, used while more than <see cref="WxHubClientOptions.RefreshMargin"/> of them is
/// left. Shared by every <see cref="WxHubClient"/> of the process.
/// </summary>
internal sealed class CredentialCache(IOptions<WxHubClientOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Appid, string Kind), Cached> _entries = new();

    public bool TryGet(string appid, string kind, out string value, out DateTimeOffset expiresAt)
    {
        if (_entries.TryGetValue((appid, kind), out var entry) && entry.ExpiresAt - time.GetUtcNow() > options.Value.RefreshMargin)
        {
            (value, expiresAt) = (entry.Value, entry.ExpiresAt);
            return true;
        }
        (value, expiresAt) = ("", default);
        return false;
    }

    public void Put(string appid, string kind, string value, DateTimeOffset expiresAt) =>
        _entries[(appid, kind)] = new Cached(value, expiresAt);

    /// <summary>Forgets the value only if it is still <paramref name="rejected"/>: a newer one fetched meanwhile stays.</summary>
    public void Forget(string appid, string kind, string rejected)
    {
        if (_entries.TryGetValue((appid, kind), out var entry) && entry.Value == rejected)
            _entries.TryRemove(new KeyValuePair<(string, string), Cached>((appid, kind), entry));
    }

    private sealed record Cached(string Value, DateTimeOffset ExpiresAt)
    {
        public override string ToString() => $"Cached {{ ExpiresAt = {ExpiresAt:O} }}";
    }
}
