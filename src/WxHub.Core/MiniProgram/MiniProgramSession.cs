namespace WxHub.Core.MiniProgram;

/// <summary>
/// A Mini Program login (<c>jscode2session</c>). The session_key decrypts the user's data and never leaves WxHub; the
/// business holds only <see cref="Id"/>.
/// </summary>
public sealed record MiniProgramSession(
    string Id,
    string Appid,
    string Openid,
    string? Unionid,
    string SessionKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"MiniProgramSession {{ Id = {Id}, Appid = {Appid}, Openid = {Openid} }}";
}

public interface IMiniProgramSessionStore
{
    Task AddAsync(MiniProgramSession session, CancellationToken cancellationToken = default);

    /// <summary>The app's session with that id, or null (unknown, another app's, or expired).</summary>
    Task<MiniProgramSession?> GetAsync(string appid, string id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Drops expired sessions, with their keys.</summary>
    Task PurgeAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
