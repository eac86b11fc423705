using Microsoft.Data.Sqlite;
using WxHub.Core.OAuth;
using WxHub.Core.Secrets;

namespace WxHub.Core.Storage.Sqlite;

public sealed class SqliteOAuthGrantStore(SqliteDatabase database, SecretProtector protector) : IOAuthGrantStore
{
    public Task SaveAsync(OAuthGrant grant, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync(
            """
            INSERT INTO oauth_grants (appid, openid, component_appid, scope, access_token, access_expires_at, refresh_token, refresh_expires_at)
            VALUES ($appid, $openid, $component, $scope, $access, $access_expires, $refresh, $refresh_expires)
            ON CONFLICT (appid, openid) DO UPDATE SET component_appid = excluded.component_appid, scope = excluded.scope,
                access_token = excluded.access_token, access_expires_at = excluded.access_expires_at,
                refresh_token = excluded.refresh_token, refresh_expires_at = excluded.refresh_expires_at
            """,
            cancellationToken,
            ("$appid", grant.Appid), ("$openid", grant.Openid), ("$component", grant.ComponentAppid), ("$scope", grant.Scope),
            ("$access", protector.Protect(grant.AccessToken, Place(grant.Appid, grant.Openid, "access_token"))),
            ("$access_expires", grant.AccessTokenExpiresAt.ToUnixMs()),
            ("$refresh", protector.Protect(grant.RefreshToken, Place(grant.Appid, grant.Openid, "refresh_token"))),
            ("$refresh_expires", grant.RefreshTokenExpiresAt.ToUnixMs()));

    public async Task<OAuthGrant?> GetAsync(string appid, string openid, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync(
            "SELECT component_appid, scope, access_token, access_expires_at, refresh_token, refresh_expires_at FROM oauth_grants WHERE appid = $appid AND openid = $openid",
            r => Read(r, appid, openid), cancellationToken, ("$appid", appid), ("$openid", openid))).SingleOrDefault();

    private OAuthGrant Read(SqliteDataReader r, string appid, string openid) => new(
        appid, openid, r.GetStringOrNull(0), r.GetString(1),
        protector.Unprotect(r.GetBlobOrNull(2)!, Place(appid, openid, "access_token")), r.FromUnixMs(3),
        protector.Unprotect(r.GetBlobOrNull(4)!, Place(appid, openid, "refresh_token")), r.FromUnixMs(5));

    private static string Place(string appid, string openid, string field) => $"oauth/{appid}/{openid}/{field}";
}
