extension Schema {
    /// Saved segments' members (the static snapshot, or a dynamic segment's last refresh), each
    /// refresh's summary and who entered or left, and the columns the background refresh claims by.
    static let segments = Migration(version: 3, name: "segments") { d in
        let id = d.uuidType, ts = d.timestampType
        return [
            "ALTER TABLE segments ADD COLUMN refresh_ms DOUBLE PRECISION",
            "ALTER TABLE segments ADD COLUMN refresh_requested_at \(ts)",
            "ALTER TABLE segments ADD COLUMN refresh_lease_until \(ts)",
            "ALTER TABLE segments ADD COLUMN refresh_error TEXT",
            "CREATE INDEX segments_refresh ON segments (kind, refreshed_at)",
            """
            CREATE TABLE segment_members (
                segment_id \(id) NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                contact_id \(id) NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                since \(ts) NOT NULL,
                PRIMARY KEY (segment_id, contact_id)
            )
            """,
            "CREATE INDEX segment_members_contact ON segment_members (contact_id)",
            """
            CREATE TABLE segment_refreshes (
                id \(id) PRIMARY KEY,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                segment_id \(id) NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
                at \(ts) NOT NULL,
                reason TEXT NOT NULL,
                contact_count INTEGER NOT NULL,
                entered_count INTEGER NOT NULL,
                left_count INTEGER NOT NULL,
                took_ms DOUBLE PRECISION NOT NULL
            )
            """,
            "CREATE INDEX segment_refreshes_segment ON segment_refreshes (segment_id, at)",
            """
            CREATE TABLE segment_membership_changes (
                refresh_id \(id) NOT NULL REFERENCES segment_refreshes(id) ON DELETE CASCADE,
                segment_id \(id) NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
                workspace_id \(id) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                contact_id \(id) NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                change TEXT NOT NULL CHECK (change IN ('entered', 'left')),
                at \(ts) NOT NULL,
                PRIMARY KEY (refresh_id, contact_id)
            )
            """,
            "CREATE INDEX segment_membership_changes_segment ON segment_membership_changes (segment_id, at)",
            "CREATE INDEX segment_membership_changes_contact ON segment_membership_changes (contact_id, at)",
        ]
    }
}
