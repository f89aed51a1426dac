import Foundation
import SQLKit
import Storage

extension ContactStore {
    /// Outcome of one row of a bulk upsert.
    public enum UpsertOutcome: Sendable {
        case created(UUID)
        case updated(UUID)
        /// The row was not stored: its identifiers name two contacts, or one is another contact's.
        case refused(APIError)
    }

    /// Creates or merges contacts in one transaction. Each input has a phone or a BSUID, and no two share one.
    public func upsert(workspaceID: UUID, inputs: [ContactInput]) async throws -> [UpsertOutcome] {
        try await database.transaction { sql in try await upsert(sql, workspaceID: workspaceID, inputs: inputs) }
    }

    /// An input merges into the contact holding its BSUID, else the one holding its phone; with neither it creates one.
    /// Rows are applied in order, so a later row sees what an earlier one changed.
    func upsert(
        _ sql: any SQLDatabase, workspaceID: UUID, inputs: [ContactInput], channel: ConsentHistory.Channel = .api
    ) async throws -> [UpsertOutcome] {
        var outcomes: [UpsertOutcome] = []
        outcomes.reserveCapacity(inputs.count)
        for start in stride(from: 0, to: inputs.count, by: 500) {
            let chunk = inputs[start..<min(start + 500, inputs.count)]
            var known = ContactIdentities(try await matching(sql, workspaceID: workspaceID, ContactIdentities.Lookup(chunk)))
            let now = Date()
            var fresh: [UUID] = []
            var consentChanges: [ConsentHistory.Change] = []
            for input in chunk {
                let byPhone = input.phoneNumber.flatMap { known.holder(.phone, $0.e164) }
                let byBSUID = input.userID.flatMap { known.holder(.bsuid, $0.value) }
                if let byPhone, let byBSUID, byPhone != byBSUID {
                    outcomes.append(.refused(ContactIdentities.split))
                    continue
                }
                let previous = (byBSUID ?? byPhone).flatMap { known.contacts[$0] }
                var contact = previous ?? Self.blank(now: now)
                input.apply(to: &contact, now: now)
                if contact.phone == nil, contact.bsuid == nil {
                    outcomes.append(
                        .refused(APIError.invalid("phone", "a contact needs a phone number or a WhatsApp user ID (bsuid)", code: "required"))
                    )
                    continue
                }
                if let conflict = known.conflict(contact) {
                    outcomes.append(.refused(conflict))
                    continue
                }
                known.record(contact, replacing: previous)
                if let change = ConsentHistory.change(from: previous, to: contact, channel: channel) { consentChanges.append(change) }
                if previous == nil {
                    fresh.append(contact.id)
                    outcomes.append(.created(contact.id))
                } else if fresh.contains(contact.id) {
                    outcomes.append(.updated(contact.id))
                } else {
                    try await write(sql, workspaceID: workspaceID, contact)
                    outcomes.append(.updated(contact.id))
                }
            }
            try await insert(sql, workspaceID: workspaceID, fresh.compactMap { known.contacts[$0] })
            try await ConsentHistory.record(workspaceID: workspaceID, consentChanges, in: sql)
        }
        return outcomes
    }

    /// The workspace's contacts holding any of the identifiers.
    func matching(_ sql: any SQLDatabase, workspaceID: UUID, _ lookup: ContactIdentities.Lookup) async throws -> [Contact] {
        var conditions: [SQLQueryString] = []
        for (column, values) in [
            ("phone", lookup.phones), ("bsuid", lookup.bsuids), ("parent_bsuid", lookup.parents), ("username", lookup.usernames),
        ]
        where !values.isEmpty {
            conditions.append("\(ident: column) IN (\(binds: values.sorted()))")
        }
        guard !conditions.isEmpty else { return [] }
        return try await sql.raw(
            "SELECT \(columns()) FROM contacts WHERE workspace_id = \(bind: workspaceID) AND (\(conditions.joined(separator: " OR ")))"
        ).all().map(Self.decode)
    }

    func matching(_ sql: any SQLDatabase, workspaceID: UUID, _ contacts: [Contact]) async throws -> [Contact] {
        try await matching(sql, workspaceID: workspaceID, ContactIdentities.Lookup(contacts))
    }
}
