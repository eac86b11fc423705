namespace WxHub.Core.Components;

public enum AuthorizerStatus
{
    /// <summary>WxHub holds the account's refresh token and keeps its access token fresh.</summary>
    Authorized,

    /// <summary>The account withdrew its grant (or vanished from WeChat's authorizer list): nothing is refreshed or served.</summary>
    Revoked,
}

/// <summary>
/// An account (Official Account or Mini Program) that authorized a platform WxHub runs. <see cref="RefreshToken"/> is
/// the grant itself — without it the administrator must scan again — so it is stored before anything else and is a
/// secret (encrypted at rest, never printed). <see cref="Scopes"/> are the function set ids (权限集) granted.
/// </summary>
public sealed record Authorizer(
    string Appid,
    string ComponentAppid,
    AuthorizerStatus Status,
    string? RefreshToken,
    IReadOnlyList<int> Scopes,
    AuthorizerProfile? Profile,
    DateTimeOffset AuthorizedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? RevokedAt)
{
    public override string ToString() => $"Authorizer {{ Appid = {Appid}, ComponentAppid = {ComponentAppid}, Status = {Status} }}";
}

/// <summary>What <c>api_get_authorizer_info</c> says of the account: its name, kind and original id.</summary>
public sealed record AuthorizerProfile(string? Name, string AccountType, string? UserName, string? PrincipalName)
{
    public const string OfficialAccount = "official_account";
    public const string MiniProgram = "mini_program";
}

/// <summary>What happened to a grant, kept as the audit trail (<c>authorized</c>, <c>updateauthorized</c>, <c>unauthorized</c>, <c>refresh_token_rotated</c>, <c>restored</c>, …).</summary>
public sealed record AuthorizerEvent(string ComponentAppid, string Appid, DateTimeOffset At, string Kind, string? Detail);

/// <summary>
/// An authorization WxHub is about to complete (an authorization code it is exchanging), written before the exchange:
/// if the process dies between WeChat confirming and WxHub storing the grant, the next start finds it and restores the
/// platform's grants from WeChat's authorizer list.
/// </summary>
public sealed record PendingAuthorization(string Id, string ComponentAppid, string? Appid, DateTimeOffset CreatedAt);

/// <summary>The outcome of comparing a stored refresh token (by its hash) with one WeChat gave.</summary>
public enum GrantChange { Added, Replaced, Unchanged }

/// <summary>
/// SHA-256 of a refresh token: stores compare grants by it without decrypting them. Refresh tokens are long and random,
/// so no salt is needed.
/// </summary>
public static class RefreshTokenHash
{
    public static byte[] Of(string refreshToken) => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(refreshToken));

    public static bool Matches(byte[] hash, string refreshToken) => System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(hash, Of(refreshToken));
}

public interface IAuthorizerStore
{
    Task<Authorizer?> GetAsync(string appid, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores grants — new, renewed or restored — with their refresh tokens, status <see cref="AuthorizerStatus.Authorized"/>
    /// and an audit event each (<paramref name="auditKind"/>), in one durable transaction; says for each whether its refresh
    /// token is new, replaced an active one, or was already stored. A stored profile stays when a grant has none.
    /// </summary>
    Task<IReadOnlyList<GrantChange>> SaveGrantsAsync(IReadOnlyList<Authorizer> grants, string auditKind, string? detail, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically replaces the refresh token when the stored one is still <paramref name="previous"/> and the grant is
    /// active; false (nothing written) when it was already replaced or revoked.
    /// </summary>
    Task<bool> ReplaceRefreshTokenAsync(string appid, string previous, string next, AuthorizerEvent audit, CancellationToken cancellationToken = default);

    Task SaveProfileAsync(string appid, AuthorizerProfile profile, IReadOnlyList<int> scopes, CancellationToken cancellationToken = default);

    /// <summary>Marks the grant revoked and forgets its refresh token, keeping the row and the audit event; false when it is not active.</summary>
    Task<bool> RevokeAsync(string appid, AuthorizerEvent audit, CancellationToken cancellationToken = default);

    /// <summary>A page of the platform's authorizers in appid order, after <paramref name="after"/> (a cursor), optionally of one status.</summary>
    Task<IReadOnlyList<Authorizer>> ListAsync(string componentAppid, string? after, int limit, AuthorizerStatus? status, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of the platform's authorizers whose appid starts with <paramref name="search"/> or whose name does (ignoring
    /// case), in appid order after the cursor <paramref name="after"/>: read through indexes, never the whole platform.
    /// </summary>
    Task<IReadOnlyList<Authorizer>> SearchAsync(string componentAppid, string search, string? after, int limit, CancellationToken cancellationToken = default);

    Task<int> CountAsync(string componentAppid, AuthorizerStatus? status, CancellationToken cancellationToken = default);

    /// <summary>The appids of every active grant of every platform, for the start-up schedule.</summary>
    Task<IReadOnlyList<string>> ListActiveAppidsAsync(CancellationToken cancellationToken = default);

    /// <summary>The stored refresh-token hashes of the platform's active grants, by appid (sync compares without decrypting).</summary>
    Task<IReadOnlyDictionary<string, byte[]>> ActiveTokenHashesAsync(string componentAppid, CancellationToken cancellationToken = default);

    /// <summary>The account's audit trail, newest first.</summary>
    Task<IReadOnlyList<AuthorizerEvent>> ListEventsAsync(string appid, int limit, CancellationToken cancellationToken = default);

    Task AddPendingAsync(PendingAuthorization pending, CancellationToken cancellationToken = default);

    Task RemovePendingAsync(string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PendingAuthorization>> ListPendingAsync(CancellationToken cancellationToken = default);
}
