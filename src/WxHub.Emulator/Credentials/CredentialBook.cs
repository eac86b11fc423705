using System.Security.Cryptography;

namespace WxHub.Emulator.Credentials;

/// <summary>
/// Every credential issued, by value and by chain. A chain is the succession of one kind of credential for one
/// holder (e.g. the classic access tokens of one app): issuing a new one retires the previous after an overlap and
/// anything older at once, as WeChat does for <c>/cgi-bin/token</c>.
/// </summary>
internal sealed class CredentialBook
{
    /// <summary>The overlap WeChat grants a replaced token, and the last stretch of a stable token's life in which it rotates.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, IssuedCredential> _byValue = new(StringComparer.Ordinal);
    private readonly Dictionary<ChainKey, List<IssuedCredential>> _chains = [];

    /// <summary>The overlap, shortened to half the lifetime when the lifetime is short (only under a custom token TTL).</summary>
    public static TimeSpan OverlapFor(TimeSpan ttl) => ttl / 2 < Overlap ? ttl / 2 : Overlap;

    public IssuedCredential? Find(string? value) =>
        value is not null && _byValue.TryGetValue(value, out var credential) ? credential : null;

    public IssuedCredential? Latest(ChainKey chain) =>
        _chains.TryGetValue(chain, out var list) && list.Count > 0 ? list[^1] : null;

    /// <summary>Issues the next credential of a chain. The previous one keeps working for <paramref name="overlap"/>, older ones stop now.</summary>
    public IssuedCredential Rotate(ChainKey chain, DateTimeOffset now, TimeSpan ttl, TimeSpan overlap)
    {
        var list = ChainOf(chain);
        for (var i = 0; i < list.Count; i++)
            list[i].RetireAt(i == list.Count - 1 ? now + overlap : now);
        return Append(list, chain, now, ttl);
    }

    /// <summary>Issues the next credential of a chain and leaves the earlier ones to run out their own lifetime.</summary>
    public IssuedCredential Add(ChainKey chain, DateTimeOffset now, TimeSpan ttl) => Append(ChainOf(chain), chain, now, ttl);

    /// <summary>Issues a credential that belongs to no chain (OAuth tokens belong to their grant instead).</summary>
    public IssuedCredential Issue(CredentialKind kind, string appId, DateTimeOffset now, TimeSpan ttl) =>
        Register(new IssuedCredential(NewValue(), kind, appId, now, now + ttl));

    /// <summary>Stops every credential of a chain now (a revoked authorization).</summary>
    public void RetireAll(ChainKey chain, DateTimeOffset now)
    {
        foreach (var credential in ChainOf(chain)) credential.RetireAt(now);
    }

    /// <summary>An opaque URL-safe string about as long as WeChat's (80-90 characters).</summary>
    public static string NewValue(int bytes = 64) => Base64Url(bytes);

    public static string Base64Url(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private List<IssuedCredential> ChainOf(ChainKey chain)
    {
        if (!_chains.TryGetValue(chain, out var list)) _chains[chain] = list = [];
        return list;
    }

    private IssuedCredential Append(List<IssuedCredential> list, ChainKey chain, DateTimeOffset now, TimeSpan ttl)
    {
        var credential = Register(new IssuedCredential(NewValue(), chain.Kind, chain.AppId, now, now + ttl));
        list.Add(credential);
        // Keep a chain short: what is retired or expired for a while can never answer anything but an error.
        list.RemoveAll(c => c != credential && c.ExpiresAt < now - TimeSpan.FromDays(1));
        return credential;
    }

    private IssuedCredential Register(IssuedCredential credential)
    {
        _byValue[credential.Value] = credential;
        return credential;
    }
}

/// <summary>One succession of credentials: a kind, the app it acts for, and for authorizer tokens the platform.</summary>
internal readonly record struct ChainKey(CredentialKind Kind, string AppId, string? ComponentAppId = null);
