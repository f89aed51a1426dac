extension Schema {
    /// Analytics and reporting (docs/design-analytics.md, sections 1.2 to 8): a message's stable dimensions and
    /// counters, rollup cells by campaign, variation, country and quarter hour of the message's cohort, attribution of
    /// orders to messages, currency rates for reports, alert rules with episodes and outgoing webhooks, console activity
    /// and consent history.
    ///
    /// Every workspace gets an `analytics_state` row asking for a rebuild, so the first server to start fills the cells
    /// from the events already stored.
    static let analytics = Migration(version: 8, name: "analytics") { d in
        let id = d.uuidType, ts = d.timestampType, json = d.jsonType, bool = d.boolType
        let now = d.kind == .postgres ? "now()" : "CAST(strftime('%s', 'now') AS REAL)"
        let cellKey = """
            workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                campaign_id \(id) NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                variation_id \(id) NOT NULL,
                country TEXT NOT NULL,
                bucket BIGINT NOT NULL
            """
        return [
            // Messages: the country of the recipient (ISO 3166 alpha-2, '' unknown until the rebuild fills it), the
            // moment the message first left Herald (the time axis of every rollup, never reset), reply and conversion
            // counters kept with the events, and the earliest active conversion (the A/B conversion metric).
            "ALTER TABLE messages ADD COLUMN country TEXT",
            "ALTER TABLE messages ADD COLUMN cohort_at \(ts)",
            "ALTER TABLE messages ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE messages ADD COLUMN conversion_count INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE messages ADD COLUMN converted_at \(ts)",
            "UPDATE messages SET cohort_at = COALESCE(accepted_at, failed_at, attempted_at) WHERE cohort_at IS NULL",
            """
            UPDATE messages SET reply_count = (SELECT COUNT(*) FROM message_events e WHERE e.message_id = messages.id AND e.type = 'replied')
            WHERE replied_at IS NOT NULL
            """,
            "CREATE INDEX messages_workspace_cohort ON messages (workspace_id, cohort_at)",
            "ALTER TABLE message_events ADD COLUMN error_code INTEGER",
            """
            UPDATE message_events SET error_code = (SELECT m.error_code FROM messages m WHERE m.id = message_events.message_id)
            WHERE type = 'failed' AND message_id IS NOT NULL
            """,
            // Rollups. One message belongs to exactly one cell; variation_id is the nil UUID for none (a key column
            // cannot be NULL), country '' for unknown, bucket the Unix second of the cohort's quarter hour.
            """
            CREATE TABLE analytics_cells (
                \(cellKey),
                sent BIGINT NOT NULL DEFAULT 0,
                delivered BIGINT NOT NULL DEFAULT 0,
                read BIGINT NOT NULL DEFAULT 0,
                clicked BIGINT NOT NULL DEFAULT 0,
                clicks BIGINT NOT NULL DEFAULT 0,
                replied BIGINT NOT NULL DEFAULT 0,
                replies BIGINT NOT NULL DEFAULT 0,
                failed BIGINT NOT NULL DEFAULT 0,
                converted BIGINT NOT NULL DEFAULT 0,
                orders BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (campaign_id, variation_id, country, bucket)
            )
            """,
            "CREATE INDEX analytics_cells_time ON analytics_cells (workspace_id, bucket)",
            """
            CREATE TABLE analytics_failures (
                \(cellKey),
                error_code INTEGER NOT NULL,
                failed BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (campaign_id, variation_id, country, bucket, error_code)
            )
            """,
            "CREATE INDEX analytics_failures_time ON analytics_failures (workspace_id, bucket)",
            """
            CREATE TABLE analytics_money (
                \(cellKey),
                currency TEXT NOT NULL,
                cost_micros BIGINT NOT NULL DEFAULT 0,
                revenue_minor BIGINT NOT NULL DEFAULT 0,
                refunded_orders BIGINT NOT NULL DEFAULT 0,
                refunded_minor BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (campaign_id, variation_id, country, bucket, currency)
            )
            """,
            "CREATE INDEX analytics_money_time ON analytics_money (workspace_id, bucket)",
            """
            CREATE TABLE analytics_state (
                workspace_id \(id) PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
                rebuild_requested_at \(ts),
                rebuilt_at \(ts),
                rebuild_owner TEXT,
                rebuild_lease_until \(ts),
                progress \(json),
                alerts_next_at \(ts),
                alerts_owner TEXT,
                alerts_lease_until \(ts)
            )
            """,
            "INSERT INTO analytics_state (workspace_id, rebuild_requested_at) SELECT id, \(now) FROM workspaces",
            // Attribution settings, and the conversions they produce: one order converts at most one message.
            "ALTER TABLE workspaces ADD COLUMN attribution_model TEXT NOT NULL DEFAULT 'last_touch' CHECK (attribution_model IN ('last_touch', 'first_touch'))",
            "ALTER TABLE workspaces ADD COLUMN click_window_seconds INTEGER NOT NULL DEFAULT 604800",
            "ALTER TABLE workspaces ADD COLUMN read_window_seconds INTEGER NOT NULL DEFAULT 86400",
            """
            CREATE TABLE conversions (
                order_id \(id) PRIMARY KEY REFERENCES orders(id) ON DELETE CASCADE,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                message_id \(id) NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
                campaign_id \(id) NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                contact_id \(id) NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                touch TEXT NOT NULL CHECK (touch IN ('click', 'read')),
                touched_at \(ts) NOT NULL,
                ordered_at \(ts) NOT NULL,
                amount_minor BIGINT NOT NULL,
                currency TEXT NOT NULL,
                reversed_at \(ts),
                updated_at \(ts) NOT NULL
            )
            """,
            "CREATE INDEX conversions_message ON conversions (message_id)",
            "CREATE INDEX conversions_campaign ON conversions (campaign_id)",
            "CREATE INDEX conversions_contact ON conversions (contact_id)",
            // Report currency: how many micro-units of the workspace's currency one unit of `currency` is worth.
            """
            CREATE TABLE currency_rates (
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                currency TEXT NOT NULL,
                rate_micros BIGINT NOT NULL CHECK (rate_micros > 0),
                as_of TEXT,
                updated_at \(ts) NOT NULL,
                PRIMARY KEY (workspace_id, currency)
            )
            """,
            // Campaign budgets (the spend-over-budget alert).
            "ALTER TABLE campaigns ADD COLUMN budget_micros BIGINT",
            "ALTER TABLE campaigns ADD COLUMN budget_currency TEXT",
            // Performance alerts: rules, episodes on the existing alerts table, outgoing webhooks and their outbox.
            """
            CREATE TABLE alert_rules (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                builtin TEXT,
                name TEXT NOT NULL,
                metric TEXT NOT NULL CHECK (metric IN ('delivery_rate', 'read_rate', 'click_rate', 'reply_rate', 'conversion_rate',
                    'error_code_spike', 'read_rate_vs_norm', 'spend_over_budget', 'template_status', 'ab_test_outcome')),
                comparison TEXT NOT NULL CHECK (comparison IN ('below', 'above')),
                threshold DOUBLE PRECISION NOT NULL,
                window_seconds INTEGER NOT NULL CHECK (window_seconds > 0),
                min_volume INTEGER NOT NULL DEFAULT 0 CHECK (min_volume >= 0),
                scope TEXT NOT NULL CHECK (scope IN ('workspace', 'each_campaign', 'campaign')),
                campaign_id \(id) REFERENCES campaigns(id) ON DELETE CASCADE,
                error_code INTEGER,
                level TEXT NOT NULL DEFAULT 'warning' CHECK (level IN ('info', 'warning', 'critical')),
                enabled \(bool) NOT NULL DEFAULT \(d.kind == .postgres ? "TRUE" : "1"),
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                UNIQUE (workspace_id, builtin)
            )
            """,
            "ALTER TABLE alerts ADD COLUMN rule_id \(id) REFERENCES alert_rules(id) ON DELETE SET NULL",
            "ALTER TABLE alerts ADD COLUMN scope_key TEXT",
            "ALTER TABLE alerts ADD COLUMN value DOUBLE PRECISION",
            "ALTER TABLE alerts ADD COLUMN details \(json)",
            "ALTER TABLE alerts ADD COLUMN acknowledged_at \(ts)",
            "ALTER TABLE alerts ADD COLUMN acknowledged_by TEXT",
            "CREATE UNIQUE INDEX alerts_open_episode ON alerts (rule_id, scope_key) WHERE resolved_at IS NULL AND rule_id IS NOT NULL",
            """
            CREATE TABLE alert_webhooks (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                url TEXT NOT NULL,
                secret_sealed TEXT NOT NULL,
                enabled \(bool) NOT NULL DEFAULT \(d.kind == .postgres ? "TRUE" : "1"),
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL
            )
            """,
            "CREATE INDEX alert_webhooks_workspace ON alert_webhooks (workspace_id)",
            """
            CREATE TABLE alert_notifications (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                webhook_id \(id) NOT NULL REFERENCES alert_webhooks(id) ON DELETE CASCADE,
                alert_id \(id) REFERENCES alerts(id) ON DELETE SET NULL,
                event TEXT NOT NULL CHECK (event IN ('fired', 'resolved', 'test')),
                body TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at \(ts) NOT NULL,
                lease_owner TEXT,
                lease_until \(ts),
                last_status INTEGER,
                last_error TEXT,
                created_at \(ts) NOT NULL,
                delivered_at \(ts)
            )
            """,
            "CREATE INDEX alert_notifications_due ON alert_notifications (status, next_attempt_at)",
            "CREATE INDEX alert_notifications_webhook ON alert_notifications (webhook_id, created_at)",
            // Adoption: which console users were active on which day (UTC).
            """
            CREATE TABLE user_activity (
                user_id \(id) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                day TEXT NOT NULL,
                PRIMARY KEY (user_id, day)
            )
            """,
            "CREATE INDEX user_activity_workspace_day ON user_activity (workspace_id, day)",
            // Consent history for contact journeys (nothing before this migration is known).
            """
            CREATE TABLE consent_changes (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                contact_id \(id) NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                status TEXT NOT NULL,
                source TEXT,
                at \(ts) NOT NULL
            )
            """,
            "CREATE INDEX consent_changes_contact ON consent_changes (contact_id, at)",
        ]
    }
}
