extension Schema {
    /// Shop connections (Shopify, WooCommerce), their signed webhook deliveries (stored first, applied by a worker), and
    /// refunds on orders (docs/design-integrations.md).
    ///
    /// - `integrations.shop_host` is the shop's host (`acme.myshopify.com`, `shop.example.com`); it is unique per kind
    ///   across workspaces because Shopify's `X-Shopify-Shop-Domain` header alone finds the connection.
    /// - `integration_deliveries.delivery_key` dedupes: Shopify's `X-Shopify-Webhook-Id`; for WooCommerce, whose delivery
    ///   id changes on every attempt, the topic, resource id and `date_modified_gmt`.
    /// - `integration_syncs` is each resource's backfill (and WooCommerce's scheduled catch-up): the next page to fetch
    ///   is saved in the transaction that applies a page, so a backfill killed half-way resumes where it stopped.
    /// - `contact_external_ids` holds a CRM's own id for a contact (one per source), for its contact sync.
    /// - `orders.total_minor` stays what segments and attribution count, now net of refunds; `refunded_minor` says how
    ///   much was refunded, and `order_refunds` keeps each refund once by the shop's id.
    static let integrations = Migration(version: 10, name: "integrations") { d in
        let id = d.uuidType, ts = d.timestampType, blob = d.blobType
        return [
            """
            CREATE TABLE integrations (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN ('shopify', 'woocommerce')),
                name TEXT NOT NULL,
                shop_host TEXT NOT NULL,
                site_url TEXT NOT NULL,
                api_base_url TEXT,
                api_version TEXT,
                default_country TEXT,
                access_token_sealed TEXT,
                consumer_key_sealed TEXT,
                consumer_secret_sealed TEXT,
                webhook_secret_sealed TEXT NOT NULL,
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                last_delivery_at \(ts),
                last_error TEXT,
                UNIQUE (kind, shop_host)
            )
            """,
            "CREATE INDEX integrations_workspace ON integrations (workspace_id, created_at)",
            """
            CREATE TABLE integration_deliveries (
                id \(id) PRIMARY KEY,
                integration_id \(id) NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
                topic TEXT NOT NULL,
                delivery_key TEXT NOT NULL,
                body \(blob) NOT NULL,
                received_at \(ts) NOT NULL,
                processed_at \(ts),
                attempts INTEGER NOT NULL DEFAULT 0,
                lease_owner TEXT,
                lease_expires_at \(ts),
                outcome TEXT,
                error TEXT,
                UNIQUE (integration_id, delivery_key)
            )
            """,
            "CREATE INDEX integration_deliveries_pending ON integration_deliveries (processed_at, received_at)",
            "CREATE INDEX integration_deliveries_recent ON integration_deliveries (integration_id, received_at)",
            """
            CREATE TABLE integration_syncs (
                id \(id) PRIMARY KEY,
                integration_id \(id) NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
                resource TEXT NOT NULL CHECK (resource IN ('orders', 'products', 'customers', 'catchup')),
                status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
                job_id \(id),
                next_page TEXT,
                pages_done INTEGER NOT NULL DEFAULT 0,
                pages_total INTEGER,
                items_done INTEGER NOT NULL DEFAULT 0,
                items_failed INTEGER NOT NULL DEFAULT 0,
                items_total INTEGER,
                modified_after \(ts),
                started_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                finished_at \(ts),
                last_error TEXT,
                UNIQUE (integration_id, resource)
            )
            """,
            """
            CREATE TABLE contact_external_ids (
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                source TEXT NOT NULL,
                external_id TEXT NOT NULL,
                contact_id \(id) NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                created_at \(ts) NOT NULL,
                PRIMARY KEY (workspace_id, source, external_id)
            )
            """,
            "CREATE INDEX contact_external_ids_contact ON contact_external_ids (contact_id)",
            // The CRM's activity feed reads each source in the order rows were recorded.
            "CREATE INDEX message_events_recorded ON message_events (workspace_id, created_at)",
            "CREATE INDEX orders_workspace_updated ON orders (workspace_id, updated_at)",
            "CREATE INDEX consent_changes_workspace_at ON consent_changes (workspace_id, at)",
            "ALTER TABLE orders ADD COLUMN refunded_minor BIGINT NOT NULL DEFAULT 0",
            """
            CREATE TABLE order_refunds (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                order_id \(id) NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
                external_id TEXT NOT NULL,
                amount_minor BIGINT NOT NULL,
                refunded_at \(ts) NOT NULL,
                UNIQUE (order_id, external_id)
            )
            """,
        ]
    }
}
