extension Schema {
    /// The audience index's change log (docs/design-audience-index.md): one row per write that can change a
    /// contact's segment membership, written by triggers in the writing transaction, so every writer (the API,
    /// imports, shops, webhooks, merges, the seeder and any later one) records its changes without remembering to.
    ///
    /// - `contact_id` is the contact whose rows changed; NULL means the whole workspace (a product's category).
    /// - Each server's index compares its build position with the log to know whether it may answer.
    /// - Rows are pruned by age; an index older than the oldest row rebuilds.
    static let audienceChanges = Migration(version: 11, name: "audience_changes") { d in
        let id = d.uuidType
        let postgres = d.kind == .postgres
        var statements = [
            postgres
                ? """
                CREATE TABLE audience_changes (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    workspace_id \(id) NOT NULL,
                    contact_id \(id),
                    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """
                : """
                CREATE TABLE audience_changes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    workspace_id \(id) NOT NULL,
                    contact_id \(id),
                    changed_at REAL NOT NULL DEFAULT ((julianday('now') - 2440587.5) * 86400.0)
                )
                """,
            "CREATE INDEX audience_changes_workspace ON audience_changes (workspace_id, id)",
            "CREATE INDEX audience_changes_age ON audience_changes (changed_at)",
        ]
        // What each table's rows say about whose membership changed; `R` is NEW or OLD.
        let contactColumns = "phone, country, city, language, username, tags, attributes, consent_status, created_at"
        struct Source {
            let table: String
            let updateOf: String
            /// Whether an update can move the row to another contact, so the old row's contact changes too.
            var movable = true
            /// Whether inserting or deleting a row changes membership (a product alone does not, its order lines do).
            var insertsAndDeletes = true
            /// `(workspace, contact)` of row `R` as a SELECT list and its FROM/WHERE tail.
            let select: (String) -> String
        }
        let sources = [
            Source(table: "contacts", updateOf: contactColumns, movable: false) { r in "SELECT \(r).workspace_id, \(r).id" },
            Source(table: "orders", updateOf: "contact_id, status, ordered_at, total_minor") { r in
                "SELECT \(r).workspace_id, \(r).contact_id WHERE \(r).contact_id IS NOT NULL"
            },
            Source(table: "order_lines", updateOf: "order_id, product_id") { r in
                "SELECT o.workspace_id, o.contact_id FROM orders o WHERE o.id = \(r).order_id AND o.contact_id IS NOT NULL"
            },
            Source(table: "message_events", updateOf: "contact_id, type, occurred_at, campaign_id") { r in
                "SELECT \(r).workspace_id, \(r).contact_id WHERE \(r).contact_id IS NOT NULL"
            },
            Source(table: "products", updateOf: "category_id", movable: false, insertsAndDeletes: false) { r in "SELECT \(r).workspace_id, NULL" },
        ]
        for source in sources {
            let insert = "INSERT INTO audience_changes (workspace_id, contact_id) "
            if postgres {
                statements.append(
                    """
                    CREATE FUNCTION audience_change_\(source.table)() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND \(source.movable)) THEN \(insert)\(source.select("OLD")); END IF;
                        IF TG_OP IN ('INSERT', 'UPDATE') THEN \(insert)\(source.select("NEW")); END IF;
                        RETURN NULL;
                    END $$
                    """
                )
                statements.append(
                    """
                    CREATE TRIGGER audience_change AFTER \(source.insertsAndDeletes ? "INSERT OR DELETE OR " : "")UPDATE OF \(source.updateOf) ON \(source.table)
                    FOR EACH ROW EXECUTE FUNCTION audience_change_\(source.table)()
                    """
                )
            } else {
                if source.insertsAndDeletes {
                    statements += [
                        "CREATE TRIGGER audience_\(source.table)_insert AFTER INSERT ON \(source.table) BEGIN \(insert)\(source.select("NEW")); END",
                        "CREATE TRIGGER audience_\(source.table)_delete AFTER DELETE ON \(source.table) BEGIN \(insert)\(source.select("OLD")); END",
                    ]
                }
                let old = source.movable ? "\(insert)\(source.select("OLD")); " : ""
                statements.append(
                    """
                    CREATE TRIGGER audience_\(source.table)_update AFTER UPDATE OF \(source.updateOf) ON \(source.table)
                    BEGIN \(old)\(insert)\(source.select("NEW")); END
                    """
                )
            }
        }
        return statements
    }
}
