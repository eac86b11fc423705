namespace WxHub.Core.Credentials;

/// <summary>The last credential obtained for each key, kept so a restart serves it instead of asking WeChat again.</summary>
public interface ICredentialStore
{
    Task<StoredCredential?> GetAsync(CredentialKey key, CancellationToken cancellationToken = default);

    /// <summary>Durable when it returns.</summary>
    Task SaveAsync(StoredCredential credential, CancellationToken cancellationToken = default);

    Task DeleteAsync(CredentialKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every stored credential's key and expiry, without decrypting any value: the start-up schedule of a hub with
    /// many authorizers is built from this one read.
    /// </summary>
    Task<IReadOnlyList<CredentialExpiry>> ListExpiriesAsync(CancellationToken cancellationToken = default);
}
