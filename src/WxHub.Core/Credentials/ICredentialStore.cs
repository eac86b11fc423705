namespace WxHub.Core.Credentials;

/// <summary>The last credential obtained for each key, kept so a restart serves it instead of asking WeChat again.</summary>
public interface ICredentialStore
{
    Task<StoredCredential?> GetAsync(CredentialKey key, CancellationToken cancellationToken = default);

    /// <summary>Durable when it returns.</summary>
    Task SaveAsync(StoredCredential credential, CancellationToken cancellationToken = default);

    Task DeleteAsync(CredentialKey key, CancellationToken cancellationToken = default);
}
