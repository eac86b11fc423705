namespace WxHub.Core.Identity;

/// <summary>
/// One person as one app knows them: the (appid, openid) pair, and the unionid that ties the pairs of one person across
/// the apps bound to the same open platform account, once WeChat has said it.
/// </summary>
public sealed record UserIdentity(
    string Appid,
    string Openid,
    string? Unionid,
    WeChatUser? Profile,
    DateTimeOffset? ProfileFetchedAt,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// What one source saw of a user. A null <see cref="Unionid"/> or <see cref="Profile"/> says nothing: it never erases
/// what the directory already knows.
/// </summary>
public sealed record IdentitySighting(string Appid, string Openid, string? Unionid = null, WeChatUser? Profile = null);

public interface IUserDirectoryStore
{
    /// <summary>Records every sighting (in one transaction): new pairs are added, known ones gain what is new.</summary>
    Task RecordAsync(IReadOnlyCollection<IdentitySighting> sightings, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<UserIdentity?> GetAsync(string appid, string openid, CancellationToken cancellationToken = default);

    /// <summary>Every (appid, openid) pair known under the unionid, in appid order.</summary>
    Task<IReadOnlyList<UserIdentity>> FindByUnionidAsync(string unionid, CancellationToken cancellationToken = default);

    /// <summary>How many pairs the directory holds for the app.</summary>
    Task<long> CountAsync(string appid, CancellationToken cancellationToken = default);
}
