namespace WxHub.Core.Storage.Sqlite;

/// <summary>
/// SQLite schema migrations, applied in order once each. Times are Unix milliseconds; secrets are AES-GCM blobs. Keep
/// <see cref="Postgres.PostgresSchema"/> in step: the same tables and columns, so the shared stores run on both.
/// </summary>
internal static class SqliteSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE apps (
            appid TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            token_mode TEXT NOT NULL,
            secret BLOB NOT NULL,
            token BLOB NULL,
            encoding_aes_key BLOB NULL,
            previous_encoding_aes_key BLOB NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE credentials (
            appid TEXT NOT NULL,
            kind TEXT NOT NULL,
            value BLOB NOT NULL,
            obtained_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (appid, kind)
        );
        CREATE TABLE refresh_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            appid TEXT NOT NULL,
            kind TEXT NOT NULL,
            at INTEGER NOT NULL,
            reason TEXT NOT NULL,
            outcome TEXT NOT NULL,
            errcode INTEGER NULL,
            detail TEXT NULL
        );
        CREATE INDEX refresh_events_by_app ON refresh_events (appid, id);
        CREATE TABLE quota_usage (
            appid TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            day TEXT NOT NULL,
            calls INTEGER NOT NULL,
            PRIMARY KEY (appid, endpoint, day)
        );
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            apps TEXT NOT NULL,
            scopes TEXT NOT NULL,
            secret_hash BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER NULL
        )
        """,
        """
        CREATE TABLE leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            generation INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        )
        """,
    ];
}
