extension Schema {
    /// Money as integers (docs/design-analytics.md, section 1.1): a message's cost and a rate's price move from
    /// `DOUBLE PRECISION` to micro-units of their currency (1 USD = 1,000,000; Meta's 0.0250 = 25,000), exact for prices
    /// that are fractions of a cent. Orders already keep minor units.
    ///
    /// `ROUND(x * 1000000)` is exact for prices under 100 (15 significant digits). A message cost takes the currency of
    /// its workspace's rate table, else USD (the built-in table's). Both engines drop `messages.cost` in place (SQLite
    /// 3.35+ rewrites the table itself; PostgreSQL marks the column dropped). `message_rates` is rebuilt with the same
    /// statements on both: nothing references it, so foreign keys stay on.
    static let money = Migration(version: 7, name: "money") { d in
        var statements = [
            "ALTER TABLE messages ADD COLUMN cost_micros BIGINT",
            "ALTER TABLE messages ADD COLUMN cost_currency TEXT",
            """
            UPDATE messages SET cost_micros = CAST(ROUND(cost * 1000000) AS BIGINT),
                cost_currency = COALESCE((SELECT MIN(r.currency) FROM message_rates r WHERE r.workspace_id = messages.workspace_id), 'USD')
            WHERE cost IS NOT NULL
            """,
            "ALTER TABLE messages DROP COLUMN cost",
            """
            CREATE TABLE message_rates_new (
                workspace_id \(d.uuidType) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                calling_code TEXT NOT NULL,
                category TEXT NOT NULL,
                price_micros BIGINT NOT NULL CHECK (price_micros >= 0),
                currency TEXT NOT NULL DEFAULT 'USD',
                as_of TEXT,
                updated_at \(d.timestampType) NOT NULL,
                PRIMARY KEY (workspace_id, calling_code, category)
            )
            """,
            """
            INSERT INTO message_rates_new (workspace_id, calling_code, category, price_micros, currency, as_of, updated_at)
            SELECT workspace_id, calling_code, category, CAST(ROUND(price * 1000000) AS BIGINT), currency, NULL, updated_at FROM message_rates
            """,
            "DROP TABLE message_rates",
            "ALTER TABLE message_rates_new RENAME TO message_rates",
        ]
        if d.kind == .postgres {
            // Keep the names a fresh table of this name would have had.
            statements += [
                "ALTER INDEX message_rates_new_pkey RENAME TO message_rates_pkey",
                "ALTER TABLE message_rates RENAME CONSTRAINT message_rates_new_workspace_id_fkey TO message_rates_workspace_id_fkey",
                "ALTER TABLE message_rates RENAME CONSTRAINT message_rates_new_price_micros_check TO message_rates_price_micros_check",
            ]
        }
        return statements
    }
}
