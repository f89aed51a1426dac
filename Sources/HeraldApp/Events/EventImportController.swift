import Foundation
import Hummingbird
import SQLKit
import Storage

/// `POST /api/events/import`: past message events (JSON list or JSON lines), so a workspace moving
/// from another tool keeps its engagement history. All events are checked first; then all are stored, or none.
struct EventImportController {
    let database: Database
    let contacts: ContactStore
    static let types: Set<String> = ["sent", "delivered", "read", "clicked", "replied", "failed"]
    static let maxEvents = 100_000

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("events/import", use: importEvents)
    }

    struct Event {
        let contact: ContactReference
        let type: String
        let occurredAt: Date
        let campaign: String?
        let path: String
    }

    @Sendable func importEvents(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let type = request.headers[.contentType]?.lowercased() ?? ""
        let items: [JSONValue]
        if type.hasPrefix("application/x-ndjson") || type.hasPrefix("application/jsonl") || type.hasPrefix("application/json-lines") {
            let text = String(buffer: try await request.collectBodyOrFail(context: context))
            var parsed: [JSONValue] = []
            for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let value = try? JSONValue.parse(Data(line.utf8)) else {
                    throw APIError(.badRequest, "invalid_json", "line \(index + 1) is not valid JSON", field: "[\(index)]")
                }
                parsed.append(value)
            }
            items = parsed
        } else {
            guard case .array(let list) = try await request.jsonBody(context: context) else {
                throw APIError(.badRequest, "invalid_body", "send a JSON list of events, or JSON lines as application/x-ndjson")
            }
            items = list
        }
        guard !items.isEmpty else { throw APIError(.unprocessableContent, "empty", "there are no events to import") }
        guard items.count <= Self.maxEvents else {
            throw APIError(.contentTooLarge, "too_many_rows", "send at most \(Self.maxEvents) events per request")
        }
        let workspaceID = context.access.workspaceID
        let rules = try await contacts.rules(workspaceID: workspaceID)
        var events: [Event] = []
        events.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let reader = try FieldReader(item, path: "[\(index)]")
            try reader.rejectUnknown(["contact", "type", "occurred_at", "campaign"])
            let type = try reader.string("type", required: true)!
            guard Self.types.contains(type) else {
                throw APIError.invalid(reader.name("type"), "type must be one of sent, delivered, read, clicked, replied, failed")
            }
            let occurred = try reader.date("occurred_at", required: true)!
            guard occurred <= Date().addingTimeInterval(300) else {
                throw APIError.invalid(reader.name("occurred_at"), "occurred_at is in the future")
            }
            events.append(
                Event(
                    contact: try ContactReference.parse(reader, key: "contact", rules: rules), type: type, occurredAt: occurred,
                    campaign: try reader.string("campaign", maxLength: 200), path: reader.path
                )
            )
        }
        let store = contacts, checked = events, dialect = database.dialect
        let stored = try await database.transaction(retryingConflicts: 3) { sql in
            var contactIDs: [ContactReference: UUID] = [:]
            var campaignIDs: [String: UUID] = [:]
            var rows: [(UUID, UUID?, Event)] = []
            for event in checked {
                let contactID: UUID
                if let known = contactIDs[event.contact] {
                    contactID = known
                } else {
                    contactID = try await event.contact.resolve(sql, workspaceID: workspaceID, store: store, field: "\(event.path).contact", createByPhone: false)
                    contactIDs[event.contact] = contactID
                }
                var campaignID: UUID?
                if let name = event.campaign {
                    if let known = campaignIDs[name] {
                        campaignID = known
                    } else {
                        campaignID = try await Self.campaign(sql, workspaceID: workspaceID, name: name)
                        campaignIDs[name] = campaignID
                    }
                }
                rows.append((contactID, campaignID, event))
            }
            let imported = rows.map { ImportedEvent(contactID: $0.0, campaignID: $0.1, type: $0.2.type, at: $0.2.occurredAt) }
            try await ImportedEvents.store(imported, workspaceID: workspaceID, dialect: dialect, in: sql)
            return rows.count
        }
        struct Imported: Encodable { let imported: Int }
        // Dynamic segments that count engagement are refreshed soon after an import.
        try await database.transaction { sql in try await SegmentStore.requestRefresh(workspaceID: workspaceID, in: sql) }
        return try JSONResponse.make(Imported(imported: stored), status: .created)
    }

    /// Past campaigns are kept by name with status `imported`, so their history can be compared later.
    static func campaign(_ sql: any SQLDatabase, workspaceID: UUID, name: String) async throws -> UUID {
        if let row = try await sql.raw("SELECT id FROM campaigns WHERE workspace_id = \(bind: workspaceID) AND name = \(bind: name)").first() {
            return try row.decode(column: "id", as: UUID.self)
        }
        let id = UUID(), now = Date()
        try await sql.raw(
            "INSERT INTO campaigns (id, workspace_id, name, status, created_at, updated_at) VALUES (\(bind: id), \(bind: workspaceID), \(bind: name), 'imported', \(bind: now), \(bind: now))"
        ).run()
        return id
    }
}
