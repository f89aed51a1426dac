import Foundation
import Hummingbird

/// Integrations: connect a Shopify or WooCommerce shop, see the webhook address and topics to register, test the
/// connection, start and follow imports, and read the last deliveries with their outcome.
extension WebPages {
    static let integrationSecrets: Set<String> = ["access_token", "consumer_key", "consumer_secret", "webhook_secret"]

    @Sendable func integrations(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await integrationsPage(access: try requireSession(context), values: [:])
    }

    func integrationsPage(access: Access, values extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let store = services.integrations
        let syncs = ShopSyncStore(database: services.database)
        let hooks = IntegrationWebhooks(publicBaseURL: services.messaging.publicBaseURL)
        var rows: [[String: Any]] = []
        var running = false
        for integration in try await store.list(workspaceID: access.workspaceID) {
            let imports = try await syncs.all(integrationID: integration.id)
            running = running || imports.contains { $0.status == "running" }
            let known = Dictionary(uniqueKeysWithValues: imports.map { ($0.resource, $0) })
            let deliveries = try await store.recentDeliveries(integrationID: integration.id)
            rows.append([
                "id": integration.id.uuidString.lowercased(), "name": integration.name, "kind": integration.kind.rawValue, "kindTitle": integration.kind.title,
                "shopHost": integration.shopHost, "siteURL": integration.siteURL, "apiBaseURL": Self.present(integration.apiBaseURL),
                "webhookURL": hooks.url(integration), "topics": hooks.topics(integration.kind).joined(separator: ", "),
                "lastDelivery": integration.lastDeliveryAt.map(Self.when) ?? "none yet", "country": integration.defaultCountry ?? "the workspace's",
                "imports": ShopSync.resources(integration.kind).map { resource -> [String: Any] in
                    Self.importRow(resource, known[resource], canStart: resource != .catchup)
                },
                "deliveries": deliveries.map { delivery -> [String: Any] in
                    [
                        "topic": delivery.topic, "received": Self.when(delivery.receivedAt), "state": delivery.state, "attempts": delivery.attempts,
                        "error": Self.present(delivery.error), "failed": delivery.state == "failed" || delivery.state == "retrying",
                    ]
                },
                "hasDeliveries": !deliveries.isEmpty,
            ])
        }
        let form = extra["form"] as? [String: String] ?? [:]
        var values: [String: Any] = [
            "integrations": rows, "hasIntegrations": !rows.isEmpty, "running": running,
            "connect": [
                "shopify": (form["kind"] ?? "shopify") == "shopify", "woocommerce": form["kind"] == "woocommerce", "name": form["name"] ?? "",
                "shop_domain": form["shop_domain"] ?? "", "site_url": form["site_url"] ?? "", "api_base_url": form["api_base_url"] ?? "",
                "api_version": form["api_version"] ?? Integration.defaultShopifyVersion, "default_country": form["default_country"] ?? "",
            ],
            "crmSyncURL": services.messaging.publicBaseURL + "/api/integrations/crm/sync-contacts",
            "crmActivityURL": services.messaging.publicBaseURL + "/api/integrations/crm/contact-activity",
        ]
        values.merge(extra) { $1 }
        return console.render("integrations", title: "Integrations", path: "/integrations", access: access, values: values, status: status)
    }

    static func importRow(_ resource: ShopSync.Resource, _ sync: ShopSync?, canStart: Bool) -> [String: Any] {
        let label = resource == .catchup ? "Catch-up (orders changed since the last one)" : resource.rawValue.capitalized
        guard let sync else { return ["resource": resource.rawValue, "label": label, "status": "never run", "canStart": canStart, "progress": false] }
        let total = sync.pagesTotal ?? (sync.status == "done" ? sync.pagesDone : nil)
        return [
            "resource": resource.rawValue, "label": label, "status": sync.status, "canStart": canStart && sync.status != "running",
            "progress": total.map { ["done": sync.pagesDone, "total": max($0, 1)] as [String: Any] } ?? false,
            "pages": sync.pagesDone, "pagesTotal": total.map(String.init) ?? "?", "items": sync.itemsDone, "failedItems": sync.itemsFailed,
            "error": present(sync.lastError), "finished": sync.finishedAt.map(when) ?? "", "resume": sync.status == "failed",
        ]
    }

    static func when(_ date: Date) -> String { ISODate.format(date).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC") }

    /// Runs an Integrations form; refusals come back on the page, without the secrets typed.
    func integrationForm(
        _ request: Request, _ context: AppRequestContext, needs permission: FormPermission, _ action: (FormData, Access) async throws -> [String: Any]
    ) async throws -> Response {
        let (form, access) = try await postedForm(request, context)
        guard permission.allows(access.role) else {
            return try await integrationsPage(access: access, values: ["error": "Your role cannot change integrations."], status: .forbidden)
        }
        do {
            return try await integrationsPage(access: access, values: try await action(form, access))
        } catch let error as APIError {
            var values = Self.errorValues(error)
            values["form"] = form.redisplayed(dropping: Self.integrationSecrets)
            return try await integrationsPage(access: access, values: values, status: error.status)
        }
    }

    func integration(_ context: AppRequestContext, _ access: Access) async throws -> Integration {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let found = try await services.integrations.find(id: id, workspaceID: access.workspaceID)
        else { throw APIError.notFound("the integration") }
        return found
    }

    @Sendable func connectIntegration(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await integrationForm(request, context, needs: .manage) { form, access in
            let kind = form.text("kind") ?? "shopify"
            let fields = kind == "woocommerce"
                ? ["kind", "name", "site_url", "consumer_key", "consumer_secret", "webhook_secret", "api_base_url", "default_country"]
                : ["kind", "name", "shop_domain", "access_token", "webhook_secret", "api_base_url", "api_version", "default_country"]
            let input = try IntegrationInput.parse(try FieldReader(form.json(fields)), hosts: services.messaging.accounts.apiHosts)
            let saved = try await services.integrations.create(workspaceID: access.workspaceID, input)
            return ["notice": "\(saved.kind.title) shop “\(saved.name)” connected. Register the webhook URL below in the shop, test the connection, then import its orders."]
        }
    }

    @Sendable func testIntegration(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await integrationForm(request, context, needs: .write) { _, access in
            let found = try await integration(context, access)
            let client = ShopClient(integration: found, secrets: try await services.integrations.secrets(found), http: services.messaging.httpClient, timeout: .seconds(10))
            do {
                return ["notice": "“\(found.name)” answered: \(try await client.check())."]
            } catch {
                return ["error": "“\(found.name)”: \(error)"]
            }
        }
    }

    @Sendable func startIntegrationImport(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await integrationForm(request, context, needs: .write) { _, access in
            let found = try await integration(context, access)
            guard let resource = context.parameters.get("resource").flatMap(ShopSync.Resource.init(rawValue:)), resource != .catchup,
                ShopSync.resources(found.kind).contains(resource)
            else { throw APIError.notFound("that import") }
            let database = services.database
            let (_, started) = try await database.transaction { sql in
                try await ShopSyncStore(database: database).start(found, resource: resource, in: sql, dialect: database.dialect)
            }
            return ["notice": started ? "Importing \(resource.rawValue) from “\(found.name)”." : "The \(resource.rawValue) import of “\(found.name)” is already running."]
        }
    }

    @Sendable func removeIntegration(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await integrationForm(request, context, needs: .manage) { _, access in
            let found = try await integration(context, access)
            _ = try await services.integrations.delete(id: found.id, workspaceID: access.workspaceID)
            return ["notice": "“\(found.name)” removed. The orders it brought stay."]
        }
    }
}
