extension Schema {
    /// A/B tests may measure conversions (docs/design-analytics.md, section 3): `success_metric` accepts `conversion`,
    /// counted from `messages.converted_at` (the attribution of orders). PostgreSQL swaps the CHECK; SQLite cannot alter
    /// one, so it rebuilds `ab_tests` (SQLite's own recipe: new table, copy, drop, rename, with foreign keys off) from
    /// migration 6's definition with the wider list.
    static let abConversion = Migration(version: 9, name: "ab_conversion", rebuildsTables: true) { d in
        let metrics = "'read', 'click', 'reply', 'conversion'"
        if d.kind == .postgres {
            return [
                """
                ALTER TABLE ab_tests DROP CONSTRAINT ab_tests_success_metric_check,
                    ADD CONSTRAINT ab_tests_success_metric_check CHECK (success_metric IN (\(metrics)))
                """
            ]
        }
        return [
            abTestsTable(d, name: "ab_tests_v9", metrics: metrics),
            "INSERT INTO ab_tests_v9 SELECT * FROM ab_tests",
            "DROP TABLE ab_tests",
            "ALTER TABLE ab_tests_v9 RENAME TO ab_tests",
            "CREATE INDEX ab_tests_workspace ON ab_tests (workspace_id, created_at)",
            "CREATE INDEX ab_tests_due ON ab_tests (status, next_evaluation_at)",
        ]
    }
}
