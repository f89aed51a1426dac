import AsyncHTTPClient
import Foundation
import Hummingbird

/// `/api/integrations`: connect a shop, list and remove connections, test one, and read its recent deliveries.
struct IntegrationController {
    let integrations: IntegrationStore
    let hosts: CloudAPIHosts
    let http: HTTPClient
    let publicBaseURL: String

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("integrations", use: list)
        group.post("integrations", use: create)
        group.get("integrations/:id", use: show)
        group.delete("integrations/:id", use: delete)
        group.post("integrations/:id/test", use: test)
        group.get("integrations/:id/deliveries", use: deliveries)
    }

    /// A connection as the API shows it: never its secrets, always the webhook address to register and its topics.
    struct View: Encodable {
        let integration: Integration
        let webhookURL: String
        let topics: [String]
        enum CodingKeys: String, CodingKey { case webhookURL = "webhook_url", topics }
        func encode(to encoder: any Encoder) throws {
            try integration.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(webhookURL, forKey: .webhookURL)
            try container.encode(topics, forKey: .topics)
        }
    }

    func view(_ integration: Integration) -> View {
        IntegrationWebhooks(publicBaseURL: publicBaseURL).view(integration)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        struct List: Encodable { let data: [View] }
        return try JSONResponse.make(List(data: try await integrations.list(workspaceID: context.access.workspaceID).map(view)))
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let input = try IntegrationInput.parse(try FieldReader(try await request.jsonBody(context: context)), hosts: hosts)
        let saved = try await integrations.create(workspaceID: context.access.workspaceID, input)
        return try JSONResponse.make(view(saved), status: .created)
    }

    func find(_ context: AuthenticatedContext) async throws -> Integration {
        let id = try context.parameters.uuid("id", what: "integration")
        guard let found = try await integrations.find(id: id, workspaceID: context.access.workspaceID) else { throw APIError.notFound("the integration") }
        return found
    }

    /// One connection, with its deliveries counted by state (`pending` is the backlog not yet applied).
    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let found = try await find(context)
        struct Detail: Encodable {
            let view: View
            let counts: IntegrationStore.DeliveryCounts
            func encode(to encoder: any Encoder) throws {
                try view.encode(to: encoder)
                enum Keys: String, CodingKey { case deliveries }
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(counts, forKey: .deliveries)
            }
        }
        return try JSONResponse.make(Detail(view: view(found), counts: try await integrations.deliveryCounts(integrationID: found.id)))
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let found = try await find(context)
        _ = try await integrations.delete(id: found.id, workspaceID: context.access.workspaceID)
        return Response(status: .noContent)
    }

    /// One authenticated call to the shop: 200 with what the shop calls itself, or 422 with the shop's answer.
    @Sendable func test(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let found = try await find(context)
        let client = ShopClient(integration: found, secrets: try await integrations.secrets(found), http: http, timeout: .seconds(10))
        do {
            let name = try await client.check()
            struct Result: Encodable { let ok: Bool, shop: String }
            return try JSONResponse.make(Result(ok: true, shop: name))
        } catch let failure as ShopClient.Failure {
            throw APIError(.unprocessableContent, failure.status == 401 || failure.status == 403 ? "shop_refused_credentials" : "shop_unreachable", failure.description)
        }
    }

    @Sendable func deliveries(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let found = try await find(context)
        struct List: Encodable { let data: [IntegrationStore.DeliverySummary] }
        return try JSONResponse.make(List(data: try await integrations.recentDeliveries(integrationID: found.id, limit: try request.limit(default: 20, max: 200))))
    }
}

/// The webhook address a shop is given, and the topics to register there.
struct IntegrationWebhooks {
    let publicBaseURL: String

    func url(_ integration: Integration) -> String {
        switch integration.kind {
        case .shopify: "\(publicBaseURL)/api/integrations/shopify/webhook"
        case .woocommerce: "\(publicBaseURL)/api/integrations/woocommerce/\(integration.id.uuidString.lowercased())/webhook"
        }
    }

    func topics(_ kind: Integration.Kind) -> [String] {
        switch kind {
        case .shopify: ["orders/create", "orders/paid", "orders/updated", "orders/cancelled", "refunds/create", "customers/create", "customers/update"]
        case .woocommerce: ["order.created", "order.updated", "order.deleted", "customer.created", "customer.updated"]
        }
    }

    func view(_ integration: Integration) -> IntegrationController.View {
        IntegrationController.View(integration: integration, webhookURL: url(integration), topics: topics(integration.kind))
    }
}
