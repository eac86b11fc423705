namespace WxHub.Core.Credentials;

/// <summary>Serves credentials to readers; the business API and the ticket fetch use it.</summary>
public interface ICredentialProvider
{
    /// <summary>The current credential, without waiting on WeChat while one with enough lifetime left is held (then synchronously).</summary>
    ValueTask<CredentialLookup> GetAsync(CredentialKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Compare-and-refresh: when <paramref name="rejectedValue"/> is still the current value, obtains a new one (once,
    /// however many callers report it together); when it was already replaced, returns the current one without calling WeChat.
    /// </summary>
    Task<CredentialLookup> InvalidateAsync(CredentialKey key, string rejectedValue, CancellationToken cancellationToken = default);
}
