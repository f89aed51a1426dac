import Contacts
import Foundation
import Hummingbird
import Storage

/// `GET /api/analytics/campaigns/{id}/recipients` (JSON pages) and `…/recipients.csv` (every matching row, streamed).
struct RecipientController {
    let recipients: RecipientStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("analytics/campaigns/{id}/recipients", use: list)
        group.get("analytics/campaigns/{id}/recipients.csv", use: csv)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.uuid("id", what: "campaign")
        let filter = try Self.filter(request, limit: try request.limit(default: 50, max: 500))
        guard let page = try await recipients.page(workspaceID: context.access.workspaceID, campaignID: id, filter: filter) else {
            throw APIError.notFound("campaign")
        }
        return try JSONResponse.make(page)
    }

    /// The same rows and filters as the list, in pages of 1,000 written as they are read. A 404 is answered before
    /// the first byte, so a bad campaign never becomes an empty download.
    @Sendable func csv(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.uuid("id", what: "campaign")
        let workspaceID = context.access.workspaceID
        let filter = try Self.filter(request, limit: 1000)
        guard let first = try await recipients.page(workspaceID: workspaceID, campaignID: id, filter: filter) else {
            throw APIError.notFound("campaign")
        }
        let store = recipients
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: CSVWriter.row(RecipientRow.csvHeader)))
            var page: RecipientPage? = first
            var filter = filter
            while let current = page {
                try await writer.write(ByteBuffer(string: current.data.map { CSVWriter.row($0.csvRecord) }.joined()))
                guard let next = current.nextAfter.flatMap(UUID.init(uuidString:)) else { break }
                filter.after = next
                page = try await store.page(workspaceID: workspaceID, campaignID: id, filter: filter)
            }
            try await writer.finish(nil)
        }
        let stamp = ISODate.format(Date()).prefix(10)
        let name = "recipients-\(id.uuidString.lowercased())-\(stamp).csv"
        return Response(
            status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\""], body: body
        )
    }

    static func filter(_ request: Request, limit: Int) throws -> RecipientFilter {
        let query = request.uri.queryParameters
        var filter = RecipientFilter(search: query["q"].map(String.init), limit: limit)
        if let text = query["step"].map(String.init), !text.isEmpty {
            guard let step = RecipientStep(rawValue: text) else {
                let steps = RecipientStep.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError(.badRequest, "invalid_parameter", "step must be one of \(steps)", field: "step")
            }
            filter.step = step
        }
        if let text = query["after"].map(String.init), !text.isEmpty {
            guard let after = UUID(uuidString: text) else {
                throw APIError(.badRequest, "invalid_cursor", "after must be a contact id this API returned as next_after", field: "after")
            }
            filter.after = after
        }
        return filter
    }
}
