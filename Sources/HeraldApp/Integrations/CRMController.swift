import Foundation
import Hummingbird
import Storage

/// The generic CRM integration: a bulk contact sync in, and an activity feed out.
struct CRMController {
    let database: Database
    let contacts: ContactStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("integrations/crm/sync-contacts", use: syncContacts)
        group.get("integrations/crm/contact-activity", use: activity)
    }

    @Sendable func syncContacts(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let workspaceID = context.access.workspaceID
        let body = try await request.jsonBody(context: context)
        let (source, rows, parseResults) = try CRMContactSync.parse(body, rules: try await contacts.rules(workspaceID: workspaceID))
        let sync = CRMContactSync(database: database, contacts: contacts)
        let results = try await sync.sync(workspaceID: workspaceID, source: source, rows: rows, results: parseResults)
        // Changed contacts may change dynamic segments: they are refreshed soon after.
        if results.contains(where: { $0.status == "created" || $0.status == "updated" }) {
            try await database.transaction { sql in try await SegmentStore.requestRefresh(workspaceID: workspaceID, in: sql) }
        }
        struct Answer: Encodable {
            let source: String
            let created: Int, updated: Int, unchanged: Int, failed: Int
            let results: [CRMContactSync.Result]
        }
        func count(_ status: String) -> Int { results.filter { $0.status == status }.count }
        return try JSONResponse.make(
            Answer(source: source, created: count("created"), updated: count("updated"), unchanged: count("unchanged"), failed: count("error"), results: results))
    }

    @Sendable func activity(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let query = request.uri.queryParameters
        var cursor: CRMActivity.Cursor?
        if let text = query["since"].map(String.init), !text.isEmpty {
            if let parsed = CRMActivity.Cursor(text) {
                cursor = parsed
            } else if let date = ISODate.parse(text) {
                cursor = CRMActivity.Cursor(since: date)
            } else {
                throw APIError(.badRequest, "invalid_cursor", "since is a next_cursor this API returned, or a time such as 2026-11-01T00:00:00Z", field: "since")
            }
        }
        var contactID: UUID?
        if let text = query["contact_id"] {
            guard let id = UUID(uuidString: String(text)) else { throw APIError(.badRequest, "invalid_parameter", "contact_id must be a UUID", field: "contact_id") }
            _ = try await contacts.get(workspaceID: context.access.workspaceID, id: id)
            contactID = id
        }
        let page = try await CRMActivity(database: database).page(
            workspaceID: context.access.workspaceID, contactID: contactID, after: cursor, limit: try request.limit(default: 100, max: 1000))
        return try JSONResponse.make(page)
    }
}
