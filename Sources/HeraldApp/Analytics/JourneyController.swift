import Foundation
import Hummingbird
import Storage

/// `GET /api/contacts/{id}/journey`: one contact's timeline, newest first, paged by `before`.
struct JourneyController {
    let journeys: JourneyStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("contacts/{id}/journey", use: journey)
    }

    @Sendable func journey(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.uuid("id", what: "contact")
        let limit = try request.limit(default: 100, max: 500)
        var before: JourneyCursor?
        if let text = request.uri.queryParameters["before"].map(String.init), !text.isEmpty {
            guard let cursor = JourneyCursor(text) else {
                throw APIError(.badRequest, "invalid_cursor", "before must be a cursor this API returned (<unix ms>|<kind>|<id>)", field: "before")
            }
            before = cursor
        }
        guard let page = try await journeys.page(workspaceID: context.access.workspaceID, contactID: id, before: before, limit: limit) else {
            throw APIError.notFound("contact")
        }
        return try JSONResponse.make(page)
    }
}
