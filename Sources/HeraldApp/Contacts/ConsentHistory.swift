import Foundation
import SQLKit

/// Rows of `consent_changes`: one each time a contact's consent status actually changes, for the contact's journey.
/// Nothing before migration 8 is known; a change of time or source alone is not a change.
enum ConsentHistory {
    /// Where a change came through when it was not WhatsApp (``ConsentSource``).
    enum Channel: String, Sendable {
        case api, `import`, console, crm
    }

    struct Change: Sendable {
        let contactID: UUID
        let status: String
        let source: String
        let at: Date
    }

    static func record(workspaceID: UUID, _ changes: [Change], in sql: any SQLDatabase) async throws {
        try await sql.insertRows("INSERT INTO consent_changes (id, workspace_id, contact_id, status, source, at) VALUES ", changes) { c in
            "(\(bind: UUID.timeOrdered(at: c.at)), \(bind: workspaceID), \(bind: c.contactID), \(bind: c.status), \(bind: c.source), \(bind: c.at))"
        }
    }

    /// The change from `previous` (nil: a new contact, whose consent was unknown) to `contact`, if its status moved.
    static func change(from previous: Contact?, to contact: Contact, channel: Channel) -> Change? {
        let before = previous?.consent.status ?? .unknown
        guard contact.consent.status != before else { return nil }
        return Change(contactID: contact.id, status: contact.consent.status.rawValue, source: channel.rawValue, at: contact.consent.at ?? contact.updatedAt)
    }
}
