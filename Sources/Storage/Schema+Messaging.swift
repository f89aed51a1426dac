extension Schema {
    /// WhatsApp accounts, templates, media, the send pipeline's columns on campaigns and messages,
    /// durable webhook deliveries, rates and alerts.
    static let messaging = Migration(version: 2, name: "messaging") { d in
        let id = d.uuidType, ts = d.timestampType, json = d.jsonType, blob = d.blobType
        return [
            """
            CREATE TABLE whatsapp_accounts (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                phone_number_id TEXT NOT NULL UNIQUE,
                waba_id TEXT NOT NULL,
                display_phone_number TEXT,
                access_token_sealed TEXT NOT NULL,
                app_secret_sealed TEXT NOT NULL,
                verify_token_sealed TEXT NOT NULL,
                api_base_url TEXT NOT NULL,
                api_version TEXT NOT NULL,
                throughput INTEGER NOT NULL DEFAULT 80,
                messaging_tier TEXT NOT NULL DEFAULT 'TIER_2K',
                status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'halted')),
                status_reason TEXT,
                bucket_tokens DOUBLE PRECISION NOT NULL DEFAULT 0,
                bucket_at \(ts),
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL
            )
            """,
            "CREATE INDEX whatsapp_accounts_workspace ON whatsapp_accounts (workspace_id)",
            """
            CREATE TABLE templates (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                account_id \(id) NOT NULL REFERENCES whatsapp_accounts(id) ON DELETE CASCADE,
                external_id TEXT,
                name TEXT NOT NULL,
                language TEXT NOT NULL,
                category TEXT NOT NULL,
                status TEXT NOT NULL,
                quality TEXT,
                status_reason TEXT,
                definition \(json) NOT NULL,
                synced_at \(ts),
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                UNIQUE (account_id, name, language)
            )
            """,
            """
            CREATE TABLE media (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN ('image', 'video', 'document')),
                mime_type TEXT NOT NULL,
                filename TEXT NOT NULL,
                size_bytes BIGINT NOT NULL,
                sha256 TEXT NOT NULL,
                public_token TEXT NOT NULL UNIQUE,
                created_at \(ts) NOT NULL
            )
            """,
            "CREATE INDEX media_workspace ON media (workspace_id, created_at)",
            """
            CREATE TABLE media_uploads (
                media_id \(id) NOT NULL REFERENCES media(id) ON DELETE CASCADE,
                account_id \(id) NOT NULL REFERENCES whatsapp_accounts(id) ON DELETE CASCADE,
                remote_id TEXT NOT NULL,
                uploaded_at \(ts) NOT NULL,
                PRIMARY KEY (media_id, account_id)
            )
            """,
            "ALTER TABLE campaigns ADD COLUMN account_id \(id) REFERENCES whatsapp_accounts(id) ON DELETE SET NULL",
            "ALTER TABLE campaigns ADD COLUMN template_id \(id) REFERENCES templates(id) ON DELETE SET NULL",
            "ALTER TABLE campaigns ADD COLUMN media_id \(id) REFERENCES media(id) ON DELETE SET NULL",
            "ALTER TABLE campaigns ADD COLUMN variables \(json)",
            "ALTER TABLE campaigns ADD COLUMN cta_url TEXT",
            "ALTER TABLE campaigns ADD COLUMN audience \(json)",
            "ALTER TABLE campaigns ADD COLUMN status_reason TEXT",
            "ALTER TABLE campaigns ADD COLUMN audience_size BIGINT",
            "CREATE INDEX campaigns_due ON campaigns (status, scheduled_at)",
            "ALTER TABLE messages ADD COLUMN phone TEXT",
            "ALTER TABLE messages ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE messages ADD COLUMN next_attempt_at \(ts)",
            "ALTER TABLE messages ADD COLUMN lease_owner TEXT",
            "ALTER TABLE messages ADD COLUMN lease_expires_at \(ts)",
            "ALTER TABLE messages ADD COLUMN attempted_at \(ts)",
            "ALTER TABLE messages ADD COLUMN click_token TEXT",
            "ALTER TABLE messages ADD COLUMN error_detail TEXT",
            "ALTER TABLE messages ADD COLUMN accepted_at \(ts)",
            "ALTER TABLE messages ADD COLUMN sent_at \(ts)",
            "ALTER TABLE messages ADD COLUMN delivered_at \(ts)",
            "ALTER TABLE messages ADD COLUMN read_at \(ts)",
            "ALTER TABLE messages ADD COLUMN clicked_at \(ts)",
            "ALTER TABLE messages ADD COLUMN click_count INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE messages ADD COLUMN replied_at \(ts)",
            "ALTER TABLE messages ADD COLUMN failed_at \(ts)",
            "ALTER TABLE messages ADD COLUMN pricing_category TEXT",
            "ALTER TABLE messages ADD COLUMN billable \(d.boolType)",
            "ALTER TABLE messages ADD COLUMN cost DOUBLE PRECISION",
            "CREATE UNIQUE INDEX messages_click_token ON messages (click_token)",
            "CREATE INDEX messages_queue ON messages (campaign_id, status, next_attempt_at)",
            "CREATE INDEX messages_contact_attempt ON messages (contact_id, attempted_at)",
            "CREATE INDEX messages_lease ON messages (status, lease_expires_at)",
            "ALTER TABLE message_events ADD COLUMN dedupe_key TEXT",
            "ALTER TABLE message_events ADD COLUMN detail \(json)",
            "CREATE UNIQUE INDEX message_events_dedupe ON message_events (dedupe_key)",
            "CREATE INDEX message_events_message ON message_events (message_id, type)",
            """
            CREATE TABLE webhook_deliveries (
                id \(id) PRIMARY KEY,
                account_id \(id) REFERENCES whatsapp_accounts(id) ON DELETE CASCADE,
                body \(blob) NOT NULL,
                received_at \(ts) NOT NULL,
                processed_at \(ts),
                attempts INTEGER NOT NULL DEFAULT 0,
                lease_owner TEXT,
                lease_expires_at \(ts),
                error TEXT
            )
            """,
            "CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (processed_at, received_at)",
            """
            CREATE TABLE unmatched_statuses (
                id \(id) PRIMARY KEY,
                account_id \(id) REFERENCES whatsapp_accounts(id) ON DELETE CASCADE,
                wamid TEXT NOT NULL,
                status TEXT NOT NULL,
                item \(json) NOT NULL,
                received_at \(ts) NOT NULL
            )
            """,
            "CREATE INDEX unmatched_statuses_wamid ON unmatched_statuses (wamid)",
            """
            CREATE TABLE message_rates (
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                calling_code TEXT NOT NULL,
                category TEXT NOT NULL,
                price DOUBLE PRECISION NOT NULL,
                currency TEXT NOT NULL DEFAULT 'USD',
                updated_at \(ts) NOT NULL,
                PRIMARY KEY (workspace_id, calling_code, category)
            )
            """,
            """
            CREATE TABLE alerts (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                level TEXT NOT NULL CHECK (level IN ('info', 'warning', 'critical')),
                kind TEXT NOT NULL,
                message TEXT NOT NULL,
                campaign_id \(id) REFERENCES campaigns(id) ON DELETE CASCADE,
                account_id \(id) REFERENCES whatsapp_accounts(id) ON DELETE CASCADE,
                created_at \(ts) NOT NULL,
                resolved_at \(ts)
            )
            """,
            "CREATE INDEX alerts_workspace ON alerts (workspace_id, created_at)",
            "ALTER TABLE contacts ADD COLUMN wa_user_id TEXT",
            "ALTER TABLE contacts ADD COLUMN last_inbound_at \(ts)",
        ]
    }
}
