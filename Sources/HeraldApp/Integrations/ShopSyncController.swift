import Foundation
import Hummingbird

/// The PRD's import paths: `GET /api/integrations/shopify/orders`, `…/shopify/products`, `…/woocommerce/orders` and
/// `…/woocommerce/customers`. A GET reports on the resource's import and starts one when there has been none yet (or
/// with `refresh=true`); a POST to the same path starts one. A sync that failed part-way resumes where it stopped.
/// `integration_id` picks the connection when the workspace has more than one of that kind.
struct ShopSyncController {
    let integrations: IntegrationStore
    let syncs: ShopSyncStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        for (kind, resource) in [(Integration.Kind.shopify, ShopSync.Resource.orders), (.shopify, .products), (.woocommerce, .orders), (.woocommerce, .customers)] {
            group.get("integrations/\(kind.rawValue)/\(resource.rawValue)") { request, context in
                try await handle(request, context: context, kind: kind, resource: resource, start: false)
            }
            group.post("integrations/\(kind.rawValue)/\(resource.rawValue)") { request, context in
                try await handle(request, context: context, kind: kind, resource: resource, start: true)
            }
        }
        group.get("integrations/:id/syncs", use: list)
    }

    struct Answer: Encodable {
        let sync: ShopSync
        let started: Bool
        func encode(to encoder: any Encoder) throws {
            try sync.encode(to: encoder)
            enum Keys: String, CodingKey { case started }
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(started, forKey: .started)
        }
    }

    func connection(_ request: Request, context: AuthenticatedContext, kind: Integration.Kind) async throws -> Integration {
        let all = try await integrations.list(workspaceID: context.access.workspaceID).filter { $0.kind == kind }
        if let text = request.uri.queryParameters["integration_id"] {
            guard let id = UUID(uuidString: String(text)), let found = all.first(where: { $0.id == id }) else {
                throw APIError(.notFound, "not_found", "no \(kind.title) connection has this id", field: "integration_id")
            }
            return found
        }
        guard let only = all.first else {
            throw APIError(.notFound, "not_connected", "connect a \(kind.title) shop first: POST /api/integrations")
        }
        guard all.count == 1 else {
            throw APIError(.badRequest, "integration_required", "this workspace has \(all.count) \(kind.title) connections: say which with integration_id", field: "integration_id")
        }
        return only
    }

    func handle(_ request: Request, context: AuthenticatedContext, kind: Integration.Kind, resource: ShopSync.Resource, start: Bool) async throws -> Response {
        let integration = try await connection(request, context: context, kind: kind)
        let refresh = start || request.uri.queryParameters["refresh"].map { $0 == "true" || $0 == "1" } == true
        if !refresh, let existing = try await syncs.find(integrationID: integration.id, resource: resource) {
            return try JSONResponse.make(Answer(sync: existing, started: false))
        }
        try context.access.requireWrite()
        let database = syncs.database
        let (sync, started) = try await database.transaction { sql in
            try await syncs.start(integration, resource: resource, in: sql, dialect: database.dialect)
        }
        return try JSONResponse.make(Answer(sync: sync, started: started), status: started ? .accepted : .ok)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.uuid("id", what: "integration")
        guard try await integrations.find(id: id, workspaceID: context.access.workspaceID) != nil else { throw APIError.notFound("the integration") }
        struct List: Encodable { let data: [ShopSync] }
        return try JSONResponse.make(List(data: try await syncs.all(integrationID: id)))
    }
}
