namespace WxHub.Core.OAuth;

/// <summary>
/// The user-level tokens of a web authorization (not the app's access token): the OAuth access token (2 hours) and the
/// refresh token (30 days) that gets a new one. Both are secrets: stores encrypt them.
/// </summary>
public sealed record OAuthGrant(
    string Appid,
    string Openid,
    string? ComponentAppid,
    string Scope,
    string AccessToken,
    DateTimeOffset AccessTokenExpiresAt,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt)
{
    public override string ToString() => $"OAuthGrant {{ Appid = {Appid}, Openid = {Openid}, Scope = {Scope} }}";
}

public interface IOAuthGrantStore
{
    /// <summary>Adds or replaces the grant of (appid, openid).</summary>
    Task SaveAsync(OAuthGrant grant, CancellationToken cancellationToken = default);

    Task<OAuthGrant?> GetAsync(string appid, string openid, CancellationToken cancellationToken = default);
}
