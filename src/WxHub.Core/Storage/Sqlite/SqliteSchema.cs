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
        // 2: the message server's subscribers, accepted pushes (unique per app and de-duplication key) and outbox.
        """
        CREATE TABLE subscribers (
            id TEXT PRIMARY KEY,
            appid TEXT NOT NULL REFERENCES apps (appid) ON DELETE CASCADE,
            url TEXT NOT NULL,
            secret BLOB NOT NULL,
            events TEXT NOT NULL,
            mode TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX subscribers_by_app ON subscribers (appid, created_at);
        CREATE UNIQUE INDEX subscribers_one_sync_per_app ON subscribers (appid) WHERE mode = 'Sync';
        CREATE TABLE callbacks (
            id TEXT PRIMARY KEY,
            appid TEXT NOT NULL REFERENCES apps (appid) ON DELETE CASCADE,
            dedup_key TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            msg_type TEXT NOT NULL,
            event TEXT NULL,
            from_user TEXT NOT NULL,
            encryption TEXT NOT NULL,
            format TEXT NOT NULL,
            message TEXT NOT NULL,
            outcome TEXT NOT NULL,
            reply_xml TEXT NULL,
            duplicates INTEGER NOT NULL DEFAULT 0,
            UNIQUE (appid, dedup_key)
        );
        CREATE INDEX callbacks_by_app ON callbacks (appid, received_at);
        CREATE INDEX callbacks_by_age ON callbacks (received_at);
        CREATE TABLE outbox (
            id TEXT PRIMARY KEY,
            appid TEXT NOT NULL,
            callback_id TEXT NOT NULL REFERENCES callbacks (id) ON DELETE CASCADE,
            subscriber_id TEXT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT NULL,
            created_at INTEGER NOT NULL,
            delivered_at INTEGER NULL
        );
        CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
        CREATE INDEX outbox_by_app ON outbox (appid, created_at);
        CREATE INDEX outbox_by_callback ON outbox (callback_id);
        CREATE INDEX outbox_by_subscriber ON outbox (subscriber_id)
        """,
        // 3: web authorization, Mini Program sessions and the UnionID directory.
        """
        CREATE TABLE oauth_pending (
            nonce TEXT PRIMARY KEY,
            appid TEXT NOT NULL,
            component_appid TEXT NULL,
            scope TEXT NOT NULL,
            redirect_uri TEXT NOT NULL,
            business_state TEXT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER NULL
        );
        CREATE TABLE oauth_used_codes (
            appid TEXT NOT NULL,
            code_hash BLOB NOT NULL,
            used_at INTEGER NOT NULL,
            PRIMARY KEY (appid, code_hash)
        );
        CREATE TABLE oauth_sign_ins (
            code_hash BLOB PRIMARY KEY,
            appid TEXT NOT NULL,
            sign_in TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER NULL
        );
        CREATE TABLE oauth_redirect_prefixes (
            appid TEXT NOT NULL,
            prefix TEXT NOT NULL,
            PRIMARY KEY (appid, prefix)
        );
        CREATE TABLE oauth_grants (
            appid TEXT NOT NULL,
            openid TEXT NOT NULL,
            component_appid TEXT NULL,
            scope TEXT NOT NULL,
            access_token BLOB NOT NULL,
            access_expires_at INTEGER NOT NULL,
            refresh_token BLOB NOT NULL,
            refresh_expires_at INTEGER NOT NULL,
            PRIMARY KEY (appid, openid)
        );
        CREATE TABLE miniprogram_sessions (
            id TEXT PRIMARY KEY,
            appid TEXT NOT NULL,
            openid TEXT NOT NULL,
            unionid TEXT NULL,
            session_key BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE INDEX miniprogram_sessions_by_expiry ON miniprogram_sessions (expires_at);
        CREATE TABLE user_identities (
            appid TEXT NOT NULL,
            openid TEXT NOT NULL,
            unionid TEXT NULL,
            profile TEXT NULL,
            profile_fetched_at INTEGER NULL,
            first_seen_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (appid, openid)
        );
        CREATE INDEX user_identities_by_unionid ON user_identities (unionid) WHERE unionid IS NOT NULL;
        CREATE TABLE follower_backfills (
            appid TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            page_cursor TEXT NULL,
            page_offset INTEGER NOT NULL,
            total INTEGER NULL,
            recorded INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            error TEXT NULL
        )
        """,
        // 4: leases, so one instance of a cluster at a time does a job such as refreshing a credential.
        """
        CREATE TABLE leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            generation INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        )
        """,
        // 5: third-party platforms, their authorizers (grants with encrypted refresh tokens and their SHA-256 for
        // comparing), the grants' audit trail and authorizations being completed. Subscribers and callbacks may now
        // belong to a platform or an authorizer, not only to an app, so they lose their foreign key to apps (an app's
        // removal deletes them itself). SQLite drops a foreign key only by rebuilding the table; the outbox, which
        // refers to both, is rebuilt with them, so that no cascade from the old tables touches its rows.
        """
        CREATE TABLE components (
            component_appid TEXT PRIMARY KEY,
            secret BLOB NOT NULL,
            token BLOB NOT NULL,
            encoding_aes_key BLOB NOT NULL,
            previous_encoding_aes_key BLOB NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE authorizers (
            appid TEXT PRIMARY KEY,
            component_appid TEXT NOT NULL,
            status TEXT NOT NULL,
            refresh_token BLOB NULL,
            refresh_token_hash BLOB NULL,
            scopes TEXT NOT NULL,
            name TEXT NULL,
            account_type TEXT NULL,
            user_name TEXT NULL,
            principal_name TEXT NULL,
            authorized_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            revoked_at INTEGER NULL
        );
        CREATE INDEX authorizers_by_component ON authorizers (component_appid, appid);
        CREATE TABLE authorizer_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            component_appid TEXT NOT NULL,
            appid TEXT NOT NULL,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NULL
        );
        CREATE INDEX authorizer_events_by_app ON authorizer_events (appid, id);
        CREATE TABLE pending_authorizations (
            id TEXT PRIMARY KEY,
            component_appid TEXT NOT NULL,
            appid TEXT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE subscribers_v5 (
            id TEXT PRIMARY KEY,
            appid TEXT NOT NULL,
            url TEXT NOT NULL,
            secret BLOB NOT NULL,
            events TEXT NOT NULL,
            mode TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE callbacks_v5 (
            id TEXT PRIMARY KEY,
            appid TEXT NOT NULL,
            dedup_key TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            msg_type TEXT NOT NULL,
            event TEXT NULL,
            from_user TEXT NOT NULL,
            encryption TEXT NOT NULL,
            format TEXT NOT NULL,
            message TEXT NOT NULL,
            outcome TEXT NOT NULL,
            reply_xml TEXT NULL,
            duplicates INTEGER NOT NULL DEFAULT 0,
            UNIQUE (appid, dedup_key)
        );
        CREATE TABLE outbox_v5 (
            id TEXT PRIMARY KEY,
            appid TEXT NOT NULL,
            callback_id TEXT NOT NULL REFERENCES callbacks_v5 (id) ON DELETE CASCADE,
            subscriber_id TEXT NOT NULL REFERENCES subscribers_v5 (id) ON DELETE CASCADE,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT NULL,
            created_at INTEGER NOT NULL,
            delivered_at INTEGER NULL
        );
        INSERT INTO subscribers_v5 (id, appid, url, secret, events, mode, created_at) SELECT id, appid, url, secret, events, mode, created_at FROM subscribers ORDER BY rowid;
        INSERT INTO callbacks_v5 (id, appid, dedup_key, received_at, msg_type, event, from_user, encryption, format, message, outcome, reply_xml, duplicates)
            SELECT id, appid, dedup_key, received_at, msg_type, event, from_user, encryption, format, message, outcome, reply_xml, duplicates FROM callbacks ORDER BY rowid;
        INSERT INTO outbox_v5 (id, appid, callback_id, subscriber_id, state, attempts, next_attempt_at, last_error, created_at, delivered_at)
            SELECT id, appid, callback_id, subscriber_id, state, attempts, next_attempt_at, last_error, created_at, delivered_at FROM outbox ORDER BY rowid;
        DROP TABLE outbox;
        DROP TABLE callbacks;
        DROP TABLE subscribers;
        ALTER TABLE subscribers_v5 RENAME TO subscribers;
        ALTER TABLE callbacks_v5 RENAME TO callbacks;
        ALTER TABLE outbox_v5 RENAME TO outbox;
        CREATE INDEX subscribers_by_app ON subscribers (appid, created_at);
        CREATE UNIQUE INDEX subscribers_one_sync_per_app ON subscribers (appid) WHERE mode = 'Sync';
        CREATE INDEX callbacks_by_app ON callbacks (appid, received_at);
        CREATE INDEX callbacks_by_age ON callbacks (received_at);
        CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
        CREATE INDEX outbox_by_app ON outbox (appid, created_at);
        CREATE INDEX outbox_by_callback ON outbox (callback_id);
        CREATE INDEX outbox_by_subscriber ON outbox (subscriber_id)
        """,
        // 6: the instance that claimed an outbox entry in flight (its next_attempt_at is then when the claim lapses).
        "ALTER TABLE outbox ADD COLUMN claimed_by TEXT NULL",

        // 7: the dashboard. Authorizers are searched by name prefix through an index on the lower-cased name (written by
        // the store; rows from before take SQLite's ASCII lower(), which only differs for non-ASCII capitals);
        // authorizers are counted by status, and refresh events by hour over the last day, from covering indexes.
        """
        ALTER TABLE authorizers ADD COLUMN name_key TEXT NULL;
        UPDATE authorizers SET name_key = lower(name);
        CREATE INDEX authorizers_by_name ON authorizers (component_appid, name_key, appid);
        CREATE INDEX authorizers_by_status ON authorizers (component_appid, status);
        CREATE INDEX refresh_events_by_time ON refresh_events (at, outcome, errcode)
        """,
    ];
}
