namespace WxHub.Core.Storage.Postgres;

/// <summary>
/// PostgreSQL schema migrations, in step with <see cref="Sqlite.SqliteSchema"/>: the same tables and columns, so the
/// shared stores run on both. Times are Unix milliseconds (<c>bigint</c>), secrets AES-GCM <c>bytea</c>. Text that lists
/// are ordered by is <c>COLLATE "C"</c>, so they come in SQLite's byte order whatever the database's locale.
/// </summary>
internal static class PostgresSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE apps (
            appid text COLLATE "C" PRIMARY KEY,
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
            id text COLLATE "C" PRIMARY KEY,
            name text NOT NULL,
            apps text NOT NULL,
            scopes text NOT NULL,
            secret_hash bytea NOT NULL,
            created_at bigint NOT NULL,
            revoked_at bigint NULL
        )
        """,
        // 2: the message server. "rowid" mirrors SQLite's implicit insertion order, which lists use to break ties.
        """
        CREATE TABLE subscribers (
            id text COLLATE "C" PRIMARY KEY,
            appid text NOT NULL REFERENCES apps (appid) ON DELETE CASCADE,
            url text NOT NULL,
            secret bytea NOT NULL,
            events text NOT NULL,
            mode text NOT NULL,
            created_at bigint NOT NULL
        );
        CREATE INDEX subscribers_by_app ON subscribers (appid, created_at);
        CREATE UNIQUE INDEX subscribers_one_sync_per_app ON subscribers (appid) WHERE mode = 'Sync';
        CREATE TABLE callbacks (
            rowid bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            id text PRIMARY KEY,
            appid text NOT NULL REFERENCES apps (appid) ON DELETE CASCADE,
            dedup_key text NOT NULL,
            received_at bigint NOT NULL,
            msg_type text NOT NULL,
            event text NULL,
            from_user text NOT NULL,
            encryption text NOT NULL,
            format text NOT NULL,
            message text NOT NULL,
            outcome text NOT NULL,
            reply_xml text NULL,
            duplicates integer NOT NULL DEFAULT 0,
            UNIQUE (appid, dedup_key)
        );
        CREATE INDEX callbacks_by_app ON callbacks (appid, received_at);
        CREATE INDEX callbacks_by_age ON callbacks (received_at);
        CREATE TABLE outbox (
            rowid bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            id text PRIMARY KEY,
            appid text NOT NULL,
            callback_id text NOT NULL REFERENCES callbacks (id) ON DELETE CASCADE,
            subscriber_id text NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
            state text NOT NULL,
            attempts integer NOT NULL,
            next_attempt_at bigint NOT NULL,
            last_error text NULL,
            created_at bigint NOT NULL,
            delivered_at bigint NULL
        );
        CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
        CREATE INDEX outbox_by_app ON outbox (appid, created_at);
        CREATE INDEX outbox_by_callback ON outbox (callback_id);
        CREATE INDEX outbox_by_subscriber ON outbox (subscriber_id)
        """,
        // 3: web authorization, Mini Program sessions and the UnionID directory.
        """
        CREATE TABLE oauth_pending (
            nonce text PRIMARY KEY,
            appid text NOT NULL,
            component_appid text NULL,
            scope text NOT NULL,
            redirect_uri text NOT NULL,
            business_state text NULL,
            expires_at bigint NOT NULL,
            used_at bigint NULL
        );
        CREATE TABLE oauth_used_codes (
            appid text NOT NULL,
            code_hash bytea NOT NULL,
            used_at bigint NOT NULL,
            PRIMARY KEY (appid, code_hash)
        );
        CREATE TABLE oauth_sign_ins (
            code_hash bytea PRIMARY KEY,
            appid text NOT NULL,
            sign_in text NOT NULL,
            expires_at bigint NOT NULL,
            used_at bigint NULL
        );
        CREATE TABLE oauth_redirect_prefixes (
            appid text NOT NULL,
            prefix text COLLATE "C" NOT NULL,
            PRIMARY KEY (appid, prefix)
        );
        CREATE TABLE oauth_grants (
            appid text NOT NULL,
            openid text NOT NULL,
            component_appid text NULL,
            scope text NOT NULL,
            access_token bytea NOT NULL,
            access_expires_at bigint NOT NULL,
            refresh_token bytea NOT NULL,
            refresh_expires_at bigint NOT NULL,
            PRIMARY KEY (appid, openid)
        );
        CREATE TABLE miniprogram_sessions (
            id text PRIMARY KEY,
            appid text NOT NULL,
            openid text NOT NULL,
            unionid text NULL,
            session_key bytea NOT NULL,
            created_at bigint NOT NULL,
            expires_at bigint NOT NULL
        );
        CREATE INDEX miniprogram_sessions_by_expiry ON miniprogram_sessions (expires_at);
        CREATE TABLE user_identities (
            appid text COLLATE "C" NOT NULL,
            openid text COLLATE "C" NOT NULL,
            unionid text NULL,
            profile text NULL,
            profile_fetched_at bigint NULL,
            first_seen_at bigint NOT NULL,
            updated_at bigint NOT NULL,
            PRIMARY KEY (appid, openid)
        );
        CREATE INDEX user_identities_by_unionid ON user_identities (unionid) WHERE unionid IS NOT NULL;
        CREATE TABLE follower_backfills (
            appid text PRIMARY KEY,
            state text NOT NULL,
            page_cursor text NULL,
            page_offset integer NOT NULL,
            total bigint NULL,
            recorded bigint NOT NULL,
            started_at bigint NOT NULL,
            updated_at bigint NOT NULL,
            error text NULL
        )
        """,
        // 4: leases.
        """
        CREATE TABLE leases (
            name text PRIMARY KEY,
            holder text NOT NULL,
            generation bigint NOT NULL,
            expires_at bigint NOT NULL
        )
        """,
        // 5: third-party platforms and their authorizers; subscribers and callbacks lose their foreign key to apps.
        """
        CREATE TABLE components (
            component_appid text PRIMARY KEY,
            secret bytea NOT NULL,
            token bytea NOT NULL,
            encoding_aes_key bytea NOT NULL,
            previous_encoding_aes_key bytea NULL,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL
        );
        CREATE TABLE authorizers (
            appid text PRIMARY KEY,
            component_appid text NOT NULL,
            status text NOT NULL,
            refresh_token bytea NULL,
            refresh_token_hash bytea NULL,
            scopes text NOT NULL,
            name text NULL,
            account_type text NULL,
            user_name text NULL,
            principal_name text NULL,
            authorized_at bigint NOT NULL,
            updated_at bigint NOT NULL,
            revoked_at bigint NULL
        );
        CREATE INDEX authorizers_by_component ON authorizers (component_appid, appid);
        CREATE TABLE authorizer_events (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            component_appid text NOT NULL,
            appid text NOT NULL,
            at bigint NOT NULL,
            kind text NOT NULL,
            detail text NULL
        );
        CREATE INDEX authorizer_events_by_app ON authorizer_events (appid, id);
        CREATE TABLE pending_authorizations (
            id text PRIMARY KEY,
            component_appid text NOT NULL,
            appid text NULL,
            created_at bigint NOT NULL
        );
        ALTER TABLE subscribers DROP CONSTRAINT subscribers_appid_fkey;
        ALTER TABLE callbacks DROP CONSTRAINT callbacks_appid_fkey
        """,
        // 6: the instance that claimed an outbox entry in flight (its next_attempt_at is then when the claim lapses).
        "ALTER TABLE outbox ADD COLUMN claimed_by text NULL",

        // 7: the dashboard: indexes for the authorizers' name prefix search and counts by status, and for counting
        // refresh events by hour; authorizer appids compare in byte order, as in SQLite, for prefix search and paging.
        """
        ALTER TABLE authorizers ALTER COLUMN appid TYPE text COLLATE "C";
        ALTER TABLE authorizers ADD COLUMN name_key text COLLATE "C" NULL;
        UPDATE authorizers SET name_key = lower(name);
        CREATE INDEX authorizers_by_name ON authorizers (component_appid, name_key, appid);
        CREATE INDEX authorizers_by_status ON authorizers (component_appid, status);
        CREATE INDEX refresh_events_by_time ON refresh_events (at, outcome, errcode)
        """,
    ];
}
