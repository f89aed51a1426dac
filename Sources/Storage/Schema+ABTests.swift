extension Schema {
    /// A/B tests of campaign messages (docs/design-ab-testing.md, section 1): a test per campaign, 2–5 variations each
    /// with its own approved template, variables, header media and CTA URL, the frozen audience, and the history of
    /// evaluations. Messages learn their phase (`test` or `winner`) and whether their reply was an opt-out.
    ///
    /// Migration 1's `ab_tests` and `ab_test_variations` were never written by any code and do not fit (one `content`
    /// blob per variation): they are dropped and created again, behind a guard that fails the step, naming
    /// `old_ab_tables_are_empty`, if either holds a row. SQLite runs the step with foreign keys off
    /// (``Migration/rebuildsTables``), so dropping the variations leaves `messages` alone and its
    /// `REFERENCES ab_test_variations(id)` then names the new table; PostgreSQL drops the old foreign key with the
    /// table and adds it again.
    static let abTests = Migration(version: 6, name: "ab_tests", rebuildsTables: true) { d in
        var statements = [
            "CREATE TABLE ab_v6_guard (n BIGINT NOT NULL, CONSTRAINT old_ab_tables_are_empty CHECK (n = 0))",
            "INSERT INTO ab_v6_guard (n) SELECT (SELECT COUNT(*) FROM ab_tests) + (SELECT COUNT(*) FROM ab_test_variations)",
            "DROP TABLE ab_v6_guard",
            d.kind == .postgres ? "DROP TABLE ab_test_variations CASCADE" : "DROP TABLE ab_test_variations",
            "DROP TABLE ab_tests",
            abTestsTable(d),
            "CREATE INDEX ab_tests_workspace ON ab_tests (workspace_id, created_at)",
            "CREATE INDEX ab_tests_due ON ab_tests (status, next_evaluation_at)",
            abTestVariationsTable(d),
            abTestAssignmentsTable(d),
            // The freeze cuts the audience in bucket order; the winner send pages through the remaining audience;
            // erasing a contact finds its rows.
            "CREATE INDEX ab_test_assignments_rank ON ab_test_assignments (ab_test_id, bucket, contact_id)",
            "CREATE INDEX ab_test_assignments_remaining ON ab_test_assignments (ab_test_id, in_test, contact_id)",
            "CREATE INDEX ab_test_assignments_contact ON ab_test_assignments (contact_id)",
            abTestLooksTable(d),
            "ALTER TABLE messages ADD COLUMN ab_phase TEXT CHECK (ab_phase IN ('test', 'winner'))",
            "ALTER TABLE messages ADD COLUMN opted_out_at \(d.timestampType)",
            // Per-variation counts of one test, and the winner override's queued messages.
            "CREATE INDEX messages_campaign_variation ON messages (campaign_id, ab_phase, variation_id)",
        ]
        if d.kind == .postgres {
            // The two tables reference each other, so one side's keys are added once both exist (SQLite resolves
            // a reference when it is used, and declares them in the table).
            statements += [
                """
                ALTER TABLE messages ADD CONSTRAINT messages_variation_id_fkey FOREIGN KEY (variation_id)
                    REFERENCES ab_test_variations(id) ON DELETE SET NULL
                """,
                "ALTER TABLE ab_tests ADD \(winnerOfThisTest)",
                "ALTER TABLE ab_tests ADD \(recommendationOfThisTest)",
            ]
        }
        return statements
    }

    /// The winner and the recommendation are variations of the same test; a decided variation cannot be deleted.
    static let winnerOfThisTest =
        "CONSTRAINT ab_tests_winner_fkey FOREIGN KEY (id, winner_variation_id) REFERENCES ab_test_variations (ab_test_id, id)"
    static let recommendationOfThisTest =
        "CONSTRAINT ab_tests_recommended_fkey FOREIGN KEY (id, recommended_variation_id) REFERENCES ab_test_variations (ab_test_id, id)"

    /// Migration 6's table; migration 9 rebuilds it on SQLite under another `name` with more success `metrics`.
    static func abTestsTable(_ d: Dialect, name: String = "ab_tests", metrics: String = "'read', 'click', 'reply'") -> String {
        let id = d.uuidType, ts = d.timestampType, json = d.jsonType, bool = d.boolType
        let keys = d.kind == .postgres ? "" : ",\n    \(winnerOfThisTest),\n    \(recommendationOfThisTest)"
        return """
            CREATE TABLE \(name) (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                campaign_id \(id) NOT NULL UNIQUE REFERENCES campaigns(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('draft', 'running', 'paused', 'deciding', 'completed', 'cancelled')),
                test_percentage INTEGER NOT NULL CHECK (test_percentage BETWEEN 1 AND 100),
                duration_hours INTEGER NOT NULL CHECK (duration_hours BETWEEN 1 AND 720),
                success_metric TEXT NOT NULL CHECK (success_metric IN (\(metrics))),
                outcome_window_seconds INTEGER NOT NULL DEFAULT 3600,
                auto_send_winner \(bool) NOT NULL DEFAULT TRUE,
                inconclusive_policy TEXT NOT NULL DEFAULT 'manual' CHECK (inconclusive_policy IN ('manual', 'control', 'leader')),
                alpha DOUBLE PRECISION NOT NULL DEFAULT 0.05 CHECK (alpha > 0 AND alpha < 1),
                min_per_arm INTEGER NOT NULL DEFAULT 100 CHECK (min_per_arm >= 1),
                allocation TEXT NOT NULL DEFAULT 'fixed',
                winner_variation_id \(id),
                recommended_variation_id \(id),
                decision_kind TEXT CHECK (decision_kind IN ('sequential', 'horizon', 'policy', 'manual')),
                decided_by TEXT,
                decided_by_user_id \(id) REFERENCES users(id) ON DELETE SET NULL,
                decision_reason TEXT,
                decided_at \(ts),
                audience_size BIGINT,
                test_audience_size BIGINT,
                frozen_at \(ts),
                test_queued_at \(ts),
                winner_send TEXT NOT NULL DEFAULT 'none' CHECK (winner_send IN ('none', 'pending', 'queued')),
                winner_queued_at \(ts),
                next_evaluation_at \(ts),
                evaluation_owner TEXT,
                evaluation_lease_until \(ts),
                looks INTEGER NOT NULL DEFAULT 0,
                last_result \(json),
                started_at \(ts),
                ends_at \(ts),
                ended_at \(ts),
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                CONSTRAINT ab_tests_window_within_duration
                    CHECK (outcome_window_seconds >= 1 AND outcome_window_seconds < duration_hours * 3600),
                CONSTRAINT ab_tests_completed_has_winner CHECK (status <> 'completed' OR winner_variation_id IS NOT NULL)\(keys)
            )
            """
    }

    static func abTestVariationsTable(_ d: Dialect) -> String {
        let id = d.uuidType, ts = d.timestampType, json = d.jsonType
        return """
            CREATE TABLE ab_test_variations (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                ab_test_id \(id) NOT NULL REFERENCES ab_tests(id) ON DELETE CASCADE,
                position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 4),
                name TEXT NOT NULL,
                share INTEGER NOT NULL CHECK (share BETWEEN 1 AND 99),
                template_id \(id) REFERENCES templates(id) ON DELETE SET NULL,
                template_name TEXT,
                template_language TEXT,
                variables \(json) NOT NULL,
                media_id \(id) REFERENCES media(id) ON DELETE SET NULL,
                cta_url TEXT,
                always_valid_p DOUBLE PRECISION,
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                UNIQUE (ab_test_id, position),
                UNIQUE (ab_test_id, name),
                UNIQUE (ab_test_id, id)
            )
            """
    }

    /// The frozen audience, one narrow row per contact (a test of a million contacts has a million rows). A contact in
    /// the test has a variation of the same test once allocated; the remaining audience never has one.
    static func abTestAssignmentsTable(_ d: Dialect) -> String {
        let id = d.uuidType, bool = d.boolType
        return """
            CREATE TABLE ab_test_assignments (
                ab_test_id \(id) NOT NULL REFERENCES ab_tests(id) ON DELETE CASCADE,
                contact_id \(id) NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                bucket BIGINT NOT NULL,
                in_test \(bool) NOT NULL,
                variation_id \(id),
                PRIMARY KEY (ab_test_id, contact_id),
                CONSTRAINT ab_test_assignments_variation_fkey FOREIGN KEY (ab_test_id, variation_id)
                    REFERENCES ab_test_variations (ab_test_id, id),
                CONSTRAINT ab_test_assignments_remaining_has_no_variation CHECK (in_test OR variation_id IS NULL)
            )
            """
    }

    static func abTestLooksTable(_ d: Dialect) -> String {
        let id = d.uuidType, ts = d.timestampType, json = d.jsonType
        return """
            CREATE TABLE ab_test_looks (
                ab_test_id \(id) NOT NULL REFERENCES ab_tests(id) ON DELETE CASCADE,
                look INTEGER NOT NULL CHECK (look >= 1),
                looked_at \(ts) NOT NULL,
                owner TEXT NOT NULL,
                verdict TEXT NOT NULL,
                counts \(json) NOT NULL,
                PRIMARY KEY (ab_test_id, look)
            )
            """
    }
}
