namespace WxHub.Core.Access;

/// <summary>
/// A business API key. The caller holds <c>wxk_&lt;id&gt;_&lt;secret&gt;</c>; WxHub keeps only the SHA-256 of the secret.
/// <see cref="Apps"/> holds appids, or <c>"*"</c> for every app.
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

    public bool IsRevoked => RevokedAt is not null;

    public bool Allows(string appid, string scope) =>
        !IsRevoked
        && (Apps.Contains(AllApps) || Apps.Contains(appid, StringComparer.Ordinal))
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
