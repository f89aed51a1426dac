import Foundation
import SQLKit
import Storage
import WhatsApp

/// Number and BSUID changes (system messages `user_changed_number` and `user_changed_user_id`, and the
/// `user_id_update` field). Each is recorded once in `contact_identity_changes`; it is applied to the contact
/// it names by a previous identifier, unless a newer change was applied already (`contacts.identity_at`).
/// A change whose contact is not known yet waits there and is applied when an identifier it names appears.
struct IdentityApplier {
    let workspaceID: UUID
    let dialect: Dialect
    let sql: any SQLDatabase

    /// One change in the form it is recorded and applied.
    struct Change {
        var kind: String
        var dedupeKey: String
        var previousPhone: String?
        var previousBSUID: String?
        var previousParentBSUID: String?
        var phone: String?
        var bsuid: String?
        var parentBSUID: String?
        var occurredAt: Date
    }

    /// The change a system message announces, or nil for one that is not about the user's identity.
    static func change(from message: InboundMessage) -> Change? {
        guard let system = message.system, system.isNumberChange || system.isUserIDChange else { return nil }
        let old = WhatsAppUser(waID: message.fromPhone, userID: nil)
        let new = WhatsAppUser(waID: system.isNumberChange ? system.waID : nil, userID: system.userID, parentUserID: system.parentUserID)
        let previousBSUID = system.previousUserID ?? message.userID.flatMap { $0 == system.userID ? nil : $0 }
        return Change(
            kind: system.type ?? "user_changed_number", dedupeKey: "system:\(message.wamid)", previousPhone: old.phone,
            previousBSUID: WhatsAppUser(waID: nil, userID: previousBSUID).bsuid,
            previousParentBSUID: WhatsAppUser(waID: nil, userID: system.previousParentUserID).bsuid,
            phone: new.phone, bsuid: new.bsuid, parentBSUID: new.parentBSUID, occurredAt: message.timestamp
        )
    }

    static func change(from update: UserIDChange) -> Change {
        let previous = WhatsAppUser(waID: update.waID, userID: update.previousUserID, parentUserID: update.previousParentUserID)
        let new = WhatsAppUser(waID: nil, userID: update.userID, parentUserID: update.parentUserID)
        return Change(
            kind: "user_id_update", dedupeKey: "user_id_update:\(update.previousUserID):\(update.userID)", previousPhone: previous.phone,
            previousBSUID: previous.bsuid, previousParentBSUID: previous.parentBSUID, phone: nil, bsuid: new.bsuid,
            parentBSUID: new.parentBSUID, occurredAt: update.timestamp
        )
    }

    /// Records the change (a redelivery stops here), then applies it if its contact is known.
    func apply(_ change: Change) async throws {
        let id = UUID.timeOrdered(at: change.occurredAt)
        let inserted = try await sql.raw(
            """
            INSERT INTO contact_identity_changes (id, workspace_id, kind, previous_phone, previous_bsuid, previous_parent_bsuid, phone, bsuid,
                parent_bsuid, occurred_at, received_at, dedupe_key)
            VALUES (\(bind: id), \(bind: workspaceID), \(bind: change.kind), \(bind: change.previousPhone), \(bind: change.previousBSUID),
                \(bind: change.previousParentBSUID), \(bind: change.phone), \(bind: change.bsuid), \(bind: change.parentBSUID),
                \(bind: change.occurredAt), \(bind: Date()), \(bind: "\(workspaceID.uuidString.lowercased()):\(change.dedupeKey)"))
            ON CONFLICT (dedupe_key) DO NOTHING RETURNING id
            """
        ).first()
        guard inserted != nil else { return }
        let store = ContactIdentityStore(workspaceID: workspaceID, dialect: dialect, sql: sql)
        var contact = try await store.contactID(where: "bsuid", is: change.previousBSUID)
        if contact == nil { contact = try await store.contactID(where: "phone", is: change.previousPhone) }
        if contact == nil, let new = change.bsuid, let holder = try await store.contactID(where: "bsuid", is: new) {
            // The new BSUID is already known (a message after the change arrived first): the change may still bring
            // the new phone, which that message withheld.
            contact = holder
        }
        guard let contact else { return }
        try await apply(change, id: id, to: contact)
        try await applyPending(contactID: contact)
    }

    /// Applies recorded changes that wait for an identifier this contact now has, oldest first.
    func applyPending(contactID: UUID) async throws {
        let store = ContactIdentityStore(workspaceID: workspaceID, dialect: dialect, sql: sql)
        for _ in 0..<10 {
            guard let now = try await store.identifiers(of: contactID) else { return }
            guard now.phone != nil || now.bsuid != nil else { return }
            // By the BSUID it replaced; by the phone only if the BSUIDs do not disagree and the contact existed when
            // the change happened (a number is reused by someone else later).
            let row = try await sql.raw(
                """
                SELECT x.id, x.kind, x.previous_phone, x.previous_bsuid, x.previous_parent_bsuid, x.phone, x.bsuid, x.parent_bsuid, x.occurred_at,
                    x.dedupe_key
                FROM contact_identity_changes x JOIN contacts c ON c.id = \(bind: contactID)
                WHERE x.workspace_id = \(bind: workspaceID) AND x.applied_at IS NULL
                  AND (x.previous_bsuid = c.bsuid
                    OR (x.previous_phone = c.phone AND (x.previous_bsuid IS NULL OR c.bsuid IS NULL) AND x.occurred_at >= c.created_at))
                ORDER BY x.occurred_at LIMIT 1
                """
            ).first()
            guard let row else { return }
            let change = Change(
                kind: try row.decode(column: "kind", as: String.self), dedupeKey: try row.decode(column: "dedupe_key", as: String.self),
                previousPhone: try row.decode(column: "previous_phone", as: String?.self),
                previousBSUID: try row.decode(column: "previous_bsuid", as: String?.self),
                previousParentBSUID: try row.decode(column: "previous_parent_bsuid", as: String?.self),
                phone: try row.decode(column: "phone", as: String?.self), bsuid: try row.decode(column: "bsuid", as: String?.self),
                parentBSUID: try row.decode(column: "parent_bsuid", as: String?.self), occurredAt: try row.decode(column: "occurred_at", as: Date.self)
            )
            try await apply(change, id: try row.decode(column: "id", as: UUID.self), to: contactID)
        }
    }

    /// Writes the new identifiers unless a newer change was applied to the contact already; a new phone or BSUID that
    /// another contact holds is left there and reported, never taken from it.
    private func apply(_ change: Change, id: UUID, to contactID: UUID) async throws {
        let store = ContactIdentityStore(workspaceID: workspaceID, dialect: dialect, sql: sql)
        guard let current = try await store.identifiers(of: contactID) else { return }
        if let applied = current.identityAt, applied > change.occurredAt {
            try await markApplied(id, contactID: contactID)
            return
        }
        var phone = current.phone, bsuid = current.bsuid, parent = current.parentBSUID
        var clashes: [String] = []
        if let new = change.phone, new != phone {
            if let holder = try await store.contactID(where: "phone", is: new), holder != contactID { clashes.append(new) } else { phone = new }
        }
        if let new = change.bsuid, new != bsuid {
            if let holder = try await store.contactID(where: "bsuid", is: new), holder != contactID { clashes.append(new) } else { bsuid = new }
        }
        if let new = change.parentBSUID, new != parent {
            if let holder = try await store.contactID(where: "parent_bsuid", is: new), holder != contactID { clashes.append(new) } else { parent = new }
        }
        try await sql.raw(
            """
            UPDATE contacts SET phone = \(bind: phone), bsuid = \(bind: bsuid), parent_bsuid = \(bind: parent), identity_at = \(bind: change.occurredAt),
                updated_at = \(bind: Date())
            WHERE id = \(bind: contactID)
            """
        ).run()
        try await markApplied(id, contactID: contactID)
        if !clashes.isEmpty {
            try await AlertStore.raise(
                workspaceID: workspaceID, level: "info", kind: "contact_duplicate",
                message: "A WhatsApp \(change.kind) moved contact \(contactID.uuidString.lowercased()) to \(clashes.joined(separator: ", ")), which another contact already has; merge them by hand.",
                perMessage: true, in: sql
            )
        }
    }

    private func markApplied(_ id: UUID, contactID: UUID) async throws {
        try await sql.raw(
            "UPDATE contact_identity_changes SET contact_id = \(bind: contactID), applied_at = \(bind: Date()) WHERE id = \(bind: id)"
        ).run()
    }
}
