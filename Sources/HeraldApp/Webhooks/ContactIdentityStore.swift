import Foundation
import SQLKit
import Storage

/// Finds, creates and completes contacts from the identifiers WhatsApp webhooks carry, inside the
/// webhook processor's transaction. A BSUID outranks a phone: a user who changes number keeps being the
/// same contact as long as the BSUID is known, and a username user without a shared phone is found at all.
struct ContactIdentityStore {
    let workspaceID: UUID
    let dialect: Dialect
    let sql: any SQLDatabase

    /// The contact a user is, and a second contact that holds the user's phone when the BSUID's contact
    /// does not (two records of one person: consent changes go to both, nothing is merged).
    struct Match: Equatable {
        var id: UUID
        var duplicate: UUID?
        var created = false
    }

    /// By BSUID, then a BSUID the user had before a recorded change, then phone, then a phone the user had before a change
    /// that happened after this event. A former BSUID outranks the phone: the phone may since belong to someone else.
    func find(_ user: WhatsAppUser, at: Date) async throws -> Match? {
        var byBSUID = try await contactID(where: "bsuid", is: user.bsuid)
        if byBSUID == nil, let bsuid = user.bsuid { byBSUID = try await formerHolder(bsuid: bsuid) }
        let byPhone = try await contactID(where: "phone", is: user.phone)
        if let primary = byBSUID ?? byPhone {
            let duplicate = byBSUID != nil && byPhone != nil && byBSUID != byPhone ? byPhone : nil
            return Match(id: primary, duplicate: duplicate)
        }
        guard let phone = user.phone else { return nil }
        return try await formerHolder(phone: phone, at: at).map { Match(id: $0) }
    }

    /// `find`, or a new contact with consent unknown: a user Herald has never seen who writes (or says STOP)
    /// is someone the business now knows. Its consent time is the event's, so a redelivery of the same message
    /// (or an opt-in keyword sent with it) does not count as a later opt-in. Concurrent deliveries about the same new
    /// user create one contact.
    func findOrCreate(_ user: WhatsAppUser, at: Date) async throws -> Match? {
        if let match = try await find(user, at: at) { return match }
        guard !user.isEmpty else { return nil }
        let now = Date()
        let inserted = try await sql.raw(
            """
            INSERT INTO contacts (id, workspace_id, phone, bsuid, name, country, tags, attributes, consent_status, consent_source, consent_at,
                created_at, updated_at)
            VALUES (\(bind: UUID.timeOrdered(at: now)), \(bind: workspaceID), \(bind: user.phone), \(bind: user.bsuid), \(bind: user.profileName),
                \(bind: user.country), \(dialect.json("[]")), \(dialect.json("{}")), 'unknown', \(bind: ConsentSource.firstMessage.rawValue), \(bind: at),
                \(bind: now), \(bind: now))
            ON CONFLICT DO NOTHING RETURNING id
            """
        ).first()?.decode(column: "id", as: UUID.self)
        if let inserted { return Match(id: inserted, created: true) }
        guard let match = try await find(user, at: at) else {
            throw IdentityConflict(message: "a new WhatsApp user could not be stored as a contact")
        }
        return match
    }

    /// Fills what the contact lacks from what the user's payload shows (never overwriting a phone or a BSUID:
    /// changing those is for identity-change events), unless another contact already holds the value.
    /// A username moves to this contact when the payload is at least as recent as its last inbound message.
    /// Returns whether an identifier was written.
    @discardableResult
    func learn(_ user: WhatsAppUser, contactID: UUID, at: Date) async throws -> Bool {
        var sets: [SQLQueryString] = []
        for (column, value) in [("phone", user.phone), ("bsuid", user.bsuid), ("parent_bsuid", user.parentBSUID)] {
            guard let value else { continue }
            sets.append(
                """
                \(unsafeRaw: column) = CASE WHEN \(unsafeRaw: column) IS NULL AND NOT EXISTS (
                    SELECT 1 FROM contacts other WHERE other.workspace_id = \(bind: workspaceID) AND other.\(unsafeRaw: column) = \(bind: value))
                    THEN \(bind: value) ELSE \(unsafeRaw: column) END
                """
            )
        }
        var wrote = false
        if !sets.isEmpty {
            var list: SQLQueryString = ""
            for (index, set) in sets.enumerated() {
                if index > 0 { list.appendLiteral(", ") }
                list.appendInterpolation(set)
            }
            let missing: SQLQueryString =
                "(" + [user.phone.map { _ in "phone IS NULL" }, user.bsuid.map { _ in "bsuid IS NULL" }, user.parentBSUID.map { _ in "parent_bsuid IS NULL" }]
                .compactMap { $0 }.joined(separator: " OR ") + ")"
            wrote =
                try await sql.raw(
                    "UPDATE contacts SET \(list), updated_at = \(bind: Date()) WHERE id = \(bind: contactID) AND \(missing) RETURNING id"
                ).first() != nil
        }
        if let username = user.username {
            let current = try await sql.raw("SELECT username, last_inbound_at FROM contacts WHERE id = \(bind: contactID)").first()
            let stored = try current?.decode(column: "username", as: String?.self)
            let lastInbound = try current?.decode(column: "last_inbound_at", as: Date?.self)
            if current != nil, stored != username, lastInbound.map({ $0 <= at }) ?? true {
                // Usernames pass from user to user: whoever shows it now has it.
                try await sql.raw(
                    "UPDATE contacts SET username = NULL, updated_at = \(bind: Date()) WHERE workspace_id = \(bind: workspaceID) AND username = \(bind: username) AND id <> \(bind: contactID)"
                ).run()
                try await sql.raw("UPDATE contacts SET username = \(bind: username), updated_at = \(bind: Date()) WHERE id = \(bind: contactID)").run()
            }
        }
        return wrote
    }

    /// The identifiers a contact has now.
    func identifiers(of contactID: UUID) async throws -> (phone: String?, bsuid: String?, parentBSUID: String?, identityAt: Date?)? {
        try await sql.raw("SELECT phone, bsuid, parent_bsuid, identity_at FROM contacts WHERE id = \(bind: contactID)").first().map {
            (
                try $0.decode(column: "phone", as: String?.self), try $0.decode(column: "bsuid", as: String?.self),
                try $0.decode(column: "parent_bsuid", as: String?.self), try $0.decode(column: "identity_at", as: Date?.self)
            )
        }
    }

    func contactID(where column: String, is value: String?) async throws -> UUID? {
        guard let value else { return nil }
        return try await sql.raw(
            "SELECT id FROM contacts WHERE workspace_id = \(bind: workspaceID) AND \(unsafeRaw: column) = \(bind: value)"
        ).first()?.decode(column: "id", as: UUID.self)
    }

    /// The contact whose BSUID a recorded change replaced (BSUIDs are never reused, so whenever the event).
    private func formerHolder(bsuid: String) async throws -> UUID? {
        try await sql.raw(
            """
            SELECT contact_id FROM contact_identity_changes
            WHERE workspace_id = \(bind: workspaceID) AND previous_bsuid = \(bind: bsuid) AND contact_id IS NOT NULL AND applied_at IS NOT NULL
            ORDER BY occurred_at DESC LIMIT 1
            """
        ).first()?.decode(column: "contact_id", as: UUID?.self)
    }

    /// The contact whose phone a recorded change replaced after the event: a late message from before the change.
    private func formerHolder(phone: String, at: Date) async throws -> UUID? {
        try await sql.raw(
            """
            SELECT contact_id FROM contact_identity_changes
            WHERE workspace_id = \(bind: workspaceID) AND previous_phone = \(bind: phone) AND contact_id IS NOT NULL AND applied_at IS NOT NULL
              AND occurred_at >= \(bind: at)
            ORDER BY occurred_at LIMIT 1
            """
        ).first()?.decode(column: "contact_id", as: UUID?.self)
    }
}

/// Identifiers that two contacts hold at once in a way the store cannot settle inside one delivery; the
/// processor retries the delivery, by which time the concurrent writer has committed.
struct IdentityConflict: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
