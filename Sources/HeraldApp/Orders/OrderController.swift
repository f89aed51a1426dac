import Foundation
import Hummingbird
import Storage

/// `POST /api/orders` (one order or a list, upserted by external id) and `GET /api/orders`.
struct OrderController {
    let orders: OrderStore
    let contacts: ContactStore
    let workspaces: WorkspaceStore
    static let maxOrders = 5000

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("orders", use: create)
        group.get("orders", use: list)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let body = try await request.jsonBody(context: context)
        let workspaceID = context.access.workspaceID
        let rules = try await contacts.rules(workspaceID: workspaceID)
        let currency = try await workspaces.find(id: workspaceID)?.currency ?? "USD"
        let items: [(JSONValue, String)]
        let single: Bool
        switch body {
        case .array(let list):
            guard list.count <= Self.maxOrders else {
                throw APIError(.contentTooLarge, "too_many_rows", "send at most \(Self.maxOrders) orders per request")
            }
            guard !list.isEmpty else { throw APIError(.unprocessableContent, "empty", "the list of orders is empty") }
            items = list.enumerated().map { ($1, "[\($0)].") }
            single = false
        default:
            items = [(body, "")]
            single = true
        }
        var parsed: [(order: Order, contact: ContactReference, path: String)] = []
        var seen = Set<String>()
        for (item, path) in items {
            let reader = try FieldReader(item, path: String(path.dropLast()))
            let order = try Order.parse(reader, defaultCurrency: currency)
            guard seen.insert(order.externalID).inserted else {
                throw APIError.invalid(reader.name("external_id"), "external_id \(order.externalID) appears twice in this request", code: "duplicate_in_request")
            }
            parsed.append((order, try ContactReference.parse(reader, key: "contact", rules: rules), path))
        }
        let saved = try await orders.upsert(workspaceID: workspaceID, orders: parsed)
        if single { return try JSONResponse.make(saved[0], status: .created) }
        // A list of orders is an import: dynamic segments are refreshed soon after it.
        try await orders.database.transaction { sql in try await SegmentStore.requestRefresh(workspaceID: workspaceID, in: sql) }
        struct List: Encodable { let data: [Order] }
        return try JSONResponse.make(List(data: saved), status: .created)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        var contactID: UUID?
        if let text = request.uri.queryParameters["contact_id"] {
            guard let id = UUID(uuidString: String(text)) else {
                throw APIError(.badRequest, "invalid_parameter", "contact_id must be a UUID", field: "contact_id")
            }
            contactID = id
        }
        let after = try request.uri.queryParameters["cursor"].map { text -> String in
            guard let data = Data(base64Encoded: String(text)), let value = String(data: data, encoding: .utf8) else {
                throw APIError(.badRequest, "invalid_cursor", "the cursor is not one this API returned", field: "cursor")
            }
            return value
        }
        let page = try await orders.list(workspaceID: context.access.workspaceID, contactID: contactID, limit: try request.limit(), after: after)
        struct Page: Encodable {
            let data: [Order]
            let next_cursor: String?
        }
        return try JSONResponse.make(Page(data: page.orders, next_cursor: page.next.map { Data($0.utf8).base64EncodedString() }))
    }
}
