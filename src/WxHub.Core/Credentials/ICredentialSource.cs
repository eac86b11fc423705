using WxHub.Core.WeChat;

namespace WxHub.Core.Credentials;

/// <summary>
/// Obtains one family of credentials from WeChat: a registered app's access token, a ticket, a third-party platform's
/// component token or an authorizer's token. The <see cref="CredentialManager"/> asks its sources in turn; the first
/// that knows the key's appid fetches it, so a reader never needs to know which kind of account it reads for.
/// </summary>
public interface ICredentialSource
{
    /// <summary>A new value for <paramref name="key"/>, or null when its appid is not one this source keeps credentials for.</summary>
    /// <param name="replacing">The value a caller reported as rejected, when this fetch is an invalidation of the current value.</param>
    /// <param name="credentials">Where a fetch gets (and compare-and-refreshes) another credential it needs, e.g. a ticket's access token.</param>
    Task<FetchResult?> FetchAsync(CredentialKey key, string? replacing, ICredentialProvider credentials, CancellationToken cancellationToken);

    /// <summary>The credentials held from start-up on whether or not anyone asked yet, e.g. every registered app's access token.</summary>
    Task<IReadOnlyList<CredentialKey>> KeptFreshAsync(CancellationToken cancellationToken);
}

/// <summary>
/// What a fetch produced: WeChat's result, or the fault of another credential it needed (<see cref="DependencyFault"/>).
/// <see cref="Method"/> says which call was made, for the refresh event. <see cref="EarlyRefresh"/> is how much earlier
/// than the refresh margin the next refresh may be spread: zero where refreshing early gains nothing (stable_token
/// returns the same token until its last minutes), more where it costs nothing and many credentials must not all
/// fall due together (authorizer tokens).
/// </summary>
public sealed record FetchResult(UpstreamResult? Upstream, string Method, CredentialFault? DependencyFault = null, TimeSpan EarlyRefresh = default);
