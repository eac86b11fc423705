namespace WxHub.Core.Storage.Postgres;

/// <summary>
/// PostgreSQL schema migrations, in step with <see cref="Sqlite.SqliteSchema"/>: the same tables and columns, so the
/// shared stores run on both. Times are Unix milliseconds (<c>bigint</c>), secrets AES-GCM <c>bytea</c>.
/// </summary>
internal static class PostgresSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE apps (
            appid text PRIMARY KEY,
            type text NOT NULL,
            token_mode text NOT NULL,
            secret bytea NOT NULL,
            token bytea NULL,
            encoding_aes_key bytea NULL,
            previous_encoding_aes_key bytea NULL,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL
        );
        CREATE TABLE credentials (
            appid text NOT NULL,
            kind text NOT NULL,
            value bytea NOT NULL,
            obtained_at bigint NOT NULL,
            expires_at bigint NOT NULL,
            PRIMARY KEY (appid, kind)
        );
        CREATE TABLE refresh_events (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            appid text NOT NULL,
            kind text NOT NULL,
            at bigint NOT NULL,
            reason text NOT NULL,
            outcome text NOT NULL,
            errcode integer NULL,
            detail text NULL
        );
        CREATE INDEX refresh_events_by_app ON refresh_events (appid, id);
        CREATE TABLE quota_usage (
            appid text NOT NULL,
            endpoint text NOT NULL,
            day text NOT NULL,
            calls bigint NOT NULL,
            PRIMARY KEY (appid, endpoint, day)
        );
        CREATE TABLE api_keys (
            id text PRIMARY KEY,
            name text NOT NULL,
            apps text NOT NULL,
            scopes text NOT NULL,
            secret_hash bytea NOT NULL,
            created_at bigint NOT NULL,
            revoked_at bigint NULL
        )
        """,
        """
        CREATE TABLE leases (
            name text PRIMARY KEY,
            holder text NOT NULL,
            generation bigint NOT NULL,
            expires_at bigint NOT NULL
        )
        """,
    ];
}
