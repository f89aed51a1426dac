extension Schema {
    /// WhatsApp usernames and business-scoped user IDs (BSUIDs): a contact has a phone, a BSUID or both, plus a parent
    /// BSUID and a username when known, each unique in its workspace when present (docs/design-identity.md, section 1).
    ///
    /// `wa_user_id` (migration 2) becomes `bsuid`; a second contact holding the same one loses it, keeping the contact
    /// that wrote last, so the unique index can be built. `messages.bsuid` records a send addressed by BSUID, and
    /// `contact_identity_changes` the history of number and BSUID changes, including those that arrive before their
    /// contact is known. SQLite cannot make a column nullable in place: it rebuilds `contacts` keeping every id, so the
    /// orders, messages, events and segment rows that reference it stay attached.
    static let identity = Migration(version: 5, name: "contact_identity", rebuildsTables: true) { d in
        let id = d.uuidType
        let ts = d.timestampType
        var statements = [dropDuplicateUserIDs]
        if d.kind == .postgres {
            statements += [
                "ALTER TABLE contacts ALTER COLUMN phone DROP NOT NULL",
                "ALTER TABLE contacts RENAME COLUMN wa_user_id TO bsuid",
                "ALTER TABLE contacts ADD COLUMN parent_bsuid TEXT",
                "ALTER TABLE contacts ADD COLUMN username TEXT",
                "ALTER TABLE contacts ADD COLUMN identity_at \(ts)",
                "ALTER TABLE contacts ADD CONSTRAINT contacts_has_identity CHECK (phone IS NOT NULL OR bsuid IS NOT NULL)",
            ]
        } else {
            statements += rebuildContacts(d)
        }
        return statements + [
            "CREATE UNIQUE INDEX contacts_workspace_bsuid ON contacts (workspace_id, bsuid) WHERE bsuid IS NOT NULL",
            "CREATE UNIQUE INDEX contacts_workspace_parent_bsuid ON contacts (workspace_id, parent_bsuid) WHERE parent_bsuid IS NOT NULL",
            "CREATE UNIQUE INDEX contacts_workspace_username ON contacts (workspace_id, username) WHERE username IS NOT NULL",
            "ALTER TABLE messages ADD COLUMN bsuid TEXT",
            """
            CREATE TABLE contact_identity_changes (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                contact_id \(id) REFERENCES contacts(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                previous_phone TEXT,
                previous_bsuid TEXT,
                previous_parent_bsuid TEXT,
                phone TEXT,
                bsuid TEXT,
                parent_bsuid TEXT,
                occurred_at \(ts) NOT NULL,
                received_at \(ts) NOT NULL,
                applied_at \(ts),
                dedupe_key TEXT NOT NULL UNIQUE
            )
            """,
            "CREATE INDEX contact_identity_changes_contact ON contact_identity_changes (contact_id, occurred_at)",
            "CREATE INDEX contact_identity_changes_previous_bsuid ON contact_identity_changes (workspace_id, previous_bsuid)",
            "CREATE INDEX contact_identity_changes_previous_phone ON contact_identity_changes (workspace_id, previous_phone)",
            // The rebuild dropped SQLite's statistics for contacts, which the segment queries' plans rely on (migration 4).
            "ANALYZE contacts",
        ]
    }

    /// Nothing stopped two contacts of a workspace from sharing a `wa_user_id`: all but the one with the latest inbound
    /// message (then the highest id) lose it.
    static let dropDuplicateUserIDs = """
        UPDATE contacts SET wa_user_id = NULL
        WHERE wa_user_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM contacts newer
            WHERE newer.workspace_id = contacts.workspace_id AND newer.wa_user_id = contacts.wa_user_id AND newer.id <> contacts.id
                AND (newer.last_inbound_at > contacts.last_inbound_at
                    OR (newer.last_inbound_at IS NOT NULL AND contacts.last_inbound_at IS NULL)
                    OR (newer.last_inbound_at IS NOT DISTINCT FROM contacts.last_inbound_at AND newer.id > contacts.id))
        )
        """

    /// SQLite's documented order for changing a table: create the new one, copy, drop the old, rename the new into
    /// place, recreate the indexes. Renaming the old table away first would rewrite its children's `REFERENCES contacts`
    /// to follow it. Runs with foreign keys off (``Migration/rebuildsTables``); the children keep pointing at `contacts`.
    static func rebuildContacts(_ d: Dialect) -> [String] {
        let id = d.uuidType
        let ts = d.timestampType
        let json = d.jsonType
        let kept = """
            id, workspace_id, phone, name, email, country, language, city, tags, attributes, consent_status, consent_source, consent_at, \
            created_at, updated_at
            """
        return [
            """
            CREATE TABLE contacts_new (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                phone TEXT,
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
                bsuid TEXT,
                last_inbound_at \(ts),
                parent_bsuid TEXT,
                username TEXT,
                identity_at \(ts),
                UNIQUE (workspace_id, phone),
                CONSTRAINT contacts_has_identity CHECK (phone IS NOT NULL OR bsuid IS NOT NULL)
            )
            """,
            "INSERT INTO contacts_new (\(kept), bsuid, last_inbound_at) SELECT \(kept), wa_user_id, last_inbound_at FROM contacts",
            "DROP TABLE contacts",
            "ALTER TABLE contacts_new RENAME TO contacts",
            "CREATE INDEX contacts_workspace_name ON contacts (workspace_id, name)",
            "CREATE INDEX contacts_workspace_email ON contacts (workspace_id, email)",
            "CREATE INDEX contacts_workspace_created ON contacts (workspace_id, created_at, id)",
            "CREATE INDEX contacts_workspace_country ON contacts (workspace_id, country)",
        ]
    }
}
