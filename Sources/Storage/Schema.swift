/// Herald's schema, one migration per release step. Never edit a shipped migration: add one.
public enum Schema {
    public static let migrations: [Migration] = [
        foundation, messaging, segments, segmentIndexes, identity, abTests, money, analytics, abConversion, integrations,
        audienceChanges,
    ]

    /// Workspaces, access, contacts, commerce, messaging history, segments, experiments and jobs.
    static let foundation = Migration(version: 1, name: "foundation") { d in
        let id = d.uuidType, ts = d.timestampType, json = d.jsonType, bool = d.boolType
        return [
            """
            CREATE TABLE workspaces (
                id \(id) PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                time_zone TEXT NOT NULL DEFAULT 'UTC',
                currency TEXT NOT NULL DEFAULT 'USD',
                default_country TEXT,
                opt_out_keywords \(json),
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL
            )
            """,
            """
            CREATE TABLE api_keys (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL DEFAULT 'admin',
                created_at \(ts) NOT NULL,
                last_used_at \(ts),
                revoked_at \(ts)
            )
            """,
            "CREATE INDEX api_keys_workspace ON api_keys (workspace_id)",
            """
            CREATE TABLE users (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                email TEXT NOT NULL UNIQUE,
                name TEXT,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                last_login_at \(ts)
            )
            """,
            "CREATE INDEX users_workspace ON users (workspace_id)",
            """
            CREATE TABLE sessions (
                id TEXT PRIMARY KEY,
                user_id \(id) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                csrf_token TEXT NOT NULL,
                created_at \(ts) NOT NULL,
                expires_at \(ts) NOT NULL
            )
            """,
            "CREATE INDEX sessions_user ON sessions (user_id)",
            """
            CREATE TABLE custom_field_definitions (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                label TEXT NOT NULL,
                type TEXT NOT NULL CHECK (type IN ('text', 'number', 'boolean', 'date', 'list')),
                options \(json),
                created_at \(ts) NOT NULL,
                UNIQUE (workspace_id, key)
            )
            """,
            """
            CREATE TABLE contacts (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                phone TEXT NOT NULL,
                name TEXT,
                email TEXT,
                country TEXT,
                language TEXT,
                city TEXT,
                tags \(json) NOT NULL,
                attributes \(json) NOT NULL,
                consent_status TEXT NOT NULL DEFAULT 'unknown' CHECK (consent_status IN ('opted_in', 'opted_out', 'unknown')),
                consent_source TEXT,
                consent_at \(ts),
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                UNIQUE (workspace_id, phone)
            )
            """,
            "CREATE INDEX contacts_workspace_name ON contacts (workspace_id, name)",
            "CREATE INDEX contacts_workspace_email ON contacts (workspace_id, email)",
            "CREATE INDEX contacts_workspace_created ON contacts (workspace_id, created_at, id)",
            "CREATE INDEX contacts_workspace_country ON contacts (workspace_id, country)",
            """
            CREATE TABLE categories (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                created_at \(ts) NOT NULL,
                UNIQUE (workspace_id, name)
            )
            """,
            """
            CREATE TABLE products (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                external_id TEXT NOT NULL,
                name TEXT NOT NULL,
                category_id \(id) REFERENCES categories(id) ON DELETE SET NULL,
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                UNIQUE (workspace_id, external_id)
            )
            """,
            "CREATE INDEX products_category ON products (workspace_id, category_id)",
            """
            CREATE TABLE orders (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                external_id TEXT NOT NULL,
                contact_id \(id) NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                total_minor BIGINT NOT NULL,
                currency TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('paid', 'refunded', 'cancelled')),
                source TEXT NOT NULL DEFAULT 'api',
                ordered_at \(ts) NOT NULL,
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                UNIQUE (workspace_id, external_id)
            )
            """,
            "CREATE INDEX orders_contact_time ON orders (workspace_id, contact_id, ordered_at)",
            "CREATE INDEX orders_workspace_time ON orders (workspace_id, ordered_at)",
            """
            CREATE TABLE order_lines (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                order_id \(id) NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
                product_id \(id) NOT NULL REFERENCES products(id) ON DELETE CASCADE,
                quantity INTEGER NOT NULL,
                unit_price_minor BIGINT NOT NULL
            )
            """,
            "CREATE INDEX order_lines_order ON order_lines (order_id)",
            "CREATE INDEX order_lines_product ON order_lines (workspace_id, product_id)",
            """
            CREATE TABLE segments (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                description TEXT,
                kind TEXT NOT NULL CHECK (kind IN ('static', 'dynamic')),
                rules \(json) NOT NULL,
                contact_count INTEGER NOT NULL DEFAULT 0,
                refreshed_at \(ts),
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                UNIQUE (workspace_id, name)
            )
            """,
            """
            CREATE TABLE campaigns (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'sending', 'paused', 'completed', 'cancelled', 'failed', 'imported')),
                template_name TEXT,
                template_language TEXT,
                segment_id \(id) REFERENCES segments(id) ON DELETE SET NULL,
                settings \(json),
                scheduled_at \(ts),
                started_at \(ts),
                completed_at \(ts),
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                UNIQUE (workspace_id, name)
            )
            """,
            """
            CREATE TABLE ab_tests (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                campaign_id \(id) NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                status TEXT NOT NULL,
                test_share DOUBLE PRECISION NOT NULL,
                metric TEXT NOT NULL,
                winner_variation_id \(id),
                decided_at \(ts),
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL
            )
            """,
            """
            CREATE TABLE ab_test_variations (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                ab_test_id \(id) NOT NULL REFERENCES ab_tests(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                content \(json) NOT NULL,
                weight DOUBLE PRECISION NOT NULL DEFAULT 1,
                created_at \(ts) NOT NULL
            )
            """,
            """
            CREATE TABLE messages (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                campaign_id \(id) NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                contact_id \(id) NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                variation_id \(id) REFERENCES ab_test_variations(id) ON DELETE SET NULL,
                wamid TEXT,
                status TEXT NOT NULL,
                error_code INTEGER,
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                UNIQUE (campaign_id, contact_id)
            )
            """,
            "CREATE UNIQUE INDEX messages_wamid ON messages (wamid)",
            """
            CREATE TABLE message_events (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                contact_id \(id) NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                campaign_id \(id) REFERENCES campaigns(id) ON DELETE SET NULL,
                message_id \(id) REFERENCES messages(id) ON DELETE SET NULL,
                variation_id \(id),
                type TEXT NOT NULL CHECK (type IN ('sent', 'delivered', 'read', 'clicked', 'replied', 'failed')),
                occurred_at \(ts) NOT NULL,
                source TEXT NOT NULL DEFAULT 'herald',
                created_at \(ts) NOT NULL
            )
            """,
            "CREATE INDEX message_events_contact ON message_events (workspace_id, contact_id, type, occurred_at)",
            "CREATE INDEX message_events_campaign ON message_events (workspace_id, campaign_id, type)",
            """
            CREATE TABLE jobs (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
                payload \(json) NOT NULL,
                progress_done BIGINT NOT NULL DEFAULT 0,
                progress_total BIGINT NOT NULL DEFAULT 0,
                rows_processed BIGINT NOT NULL DEFAULT 0,
                rows_succeeded BIGINT NOT NULL DEFAULT 0,
                rows_failed BIGINT NOT NULL DEFAULT 0,
                result \(json),
                error TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                lease_owner TEXT,
                lease_expires_at \(ts),
                run_at \(ts) NOT NULL,
                created_at \(ts) NOT NULL,
                started_at \(ts),
                finished_at \(ts)
            )
            """,
            "CREATE INDEX jobs_claim ON jobs (status, run_at)",
            "CREATE INDEX jobs_workspace ON jobs (workspace_id, created_at)",
            """
            CREATE TABLE job_files (
                job_id \(id) NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                seq INTEGER NOT NULL,
                data \(d.blobType) NOT NULL,
                PRIMARY KEY (job_id, seq)
            )
            """,
            """
            CREATE TABLE job_row_errors (
                id \(id) PRIMARY KEY,
                job_id \(id) NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                row_number BIGINT NOT NULL,
                field TEXT,
                code TEXT NOT NULL,
                message TEXT NOT NULL,
                raw TEXT
            )
            """,
            "CREATE INDEX job_row_errors_job ON job_row_errors (job_id, row_number)",
        ]
    }
}
