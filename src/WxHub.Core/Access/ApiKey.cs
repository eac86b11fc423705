namespace WxHub.Core.Access;

/// <summary>
/// A business API key. The caller holds <c>wxk_&lt;id&gt;_&lt;secret&gt;</c>; WxHub keeps only the SHA-256 of the secret.
/// <see cref="Apps"/> holds appids (of apps or of authorizers), <c>"component:&lt;component_appid&gt;"</c> for a
/// third-party platform and every account that authorized it, or <c>"*"</c> for everything.
/// </summary>
public sealed record ApiKey(
    string Id,
    string Name,
    IReadOnlyList<string> Apps,
    IReadOnlyList<string> Scopes,
    byte[] SecretHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt)
{
    public const string AllApps = "*";

    /// <summary>The prefix of an entry that names a whole platform: <c>component:wx…</c>.</summary>
    public const string ComponentPrefix = "component:";

    public bool IsRevoked => RevokedAt is not null;

    /// <summary>Whether some entry names a whole platform, so that an appid not listed may still be one of its authorizers.</summary>
    public bool NamesComponents => Apps.Any(entry => entry.StartsWith(ComponentPrefix, StringComparison.Ordinal));

    /// <param name="componentAppid">The platform <paramref name="appid"/> belongs to: itself for a platform, its platform for an authorizer, else null.</param>
    public bool Allows(string appid, string scope, string? componentAppid = null) =>
        !IsRevoked
        && (Apps.Contains(AllApps)
            || Apps.Contains(appid, StringComparer.Ordinal)
            || componentAppid is not null && Apps.Contains(ComponentPrefix + componentAppid, StringComparer.Ordinal))
        && Scopes.Contains(scope, StringComparer.Ordinal);

    public override string ToString() => $"ApiKey {{ Id = {Id}, Name = {Name} }}";
}

public interface IApiKeyStore
{
    Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default);

    Task AddAsync(ApiKey key, CancellationToken cancellationToken = default);

    /// <summary>Marks the key revoked; false when there is no such key.</summary>
    Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);
}
