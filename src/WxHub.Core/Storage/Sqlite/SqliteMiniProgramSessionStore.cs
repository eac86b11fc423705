using WxHub.Core.MiniProgram;
using WxHub.Core.Secrets;

namespace WxHub.Core.Storage.Sqlite;

public sealed class SqliteMiniProgramSessionStore(SqliteDatabase database, SecretProtector protector) : IMiniProgramSessionStore
{
    public Task AddAsync(MiniProgramSession session, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync(
            "INSERT INTO miniprogram_sessions (id, appid, openid, unionid, session_key, created_at, expires_at) VALUES ($id, $appid, $openid, $unionid, $key, $created, $expires)",
            cancellationToken,
            ("$id", session.Id), ("$appid", session.Appid), ("$openid", session.Openid), ("$unionid", session.Unionid),
            ("$key", protector.Protect(session.SessionKey, Place(session.Appid, session.Id))),
            ("$created", session.CreatedAt.ToUnixMs()), ("$expires", session.ExpiresAt.ToUnixMs()));

    public async Task<MiniProgramSession?> GetAsync(string appid, string id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync(
            "SELECT openid, unionid, session_key, created_at, expires_at FROM miniprogram_sessions WHERE id = $id AND appid = $appid AND expires_at > $now",
            r => new MiniProgramSession(id, appid, r.GetString(0), r.GetStringOrNull(1), protector.Unprotect(r.GetBlobOrNull(2)!, Place(appid, id)), r.FromUnixMs(3), r.FromUnixMs(4)),
            cancellationToken, ("$id", id), ("$appid", appid), ("$now", now.ToUnixMs()))).SingleOrDefault();

    public Task PurgeAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM miniprogram_sessions WHERE expires_at <= $now", cancellationToken, ("$now", now.ToUnixMs()));

    private static string Place(string appid, string id) => $"miniprogram/{appid}/{id}/session_key";
}
