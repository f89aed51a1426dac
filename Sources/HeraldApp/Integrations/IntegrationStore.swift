import Foundation
import SQLKit
import Storage

/// Connections to shops, their sealed secrets and their deliveries.
struct IntegrationStore: Sendable {
    let database: Database
    let secretKey: SecretKey

    static func place(_ column: IntegrationSecretColumn, _ id: UUID) -> SealedPlace {
        SealedPlace(table: "integrations", column: column.rawValue, rowID: id)
    }

    func create(workspaceID: UUID, _ input: IntegrationInput) async throws -> Integration {
        let id = UUID(), now = Date()
        func seal(_ value: String?, _ column: IntegrationSecretColumn) throws -> String? {
            try value.map { try secretKey.seal($0, for: Self.place(column, id)) }
        }
        let sealedToken = try seal(input.secrets.accessToken, .accessToken)
        let sealedKey = try seal(input.secrets.consumerKey, .consumerKey)
        let sealedSecret = try seal(input.secrets.consumerSecret, .consumerSecret)
        let sealedWebhook = try seal(input.secrets.webhookSecret, .webhookSecret)
        try await database.transaction { sql in
            let taken = try await sql.raw(
                "SELECT workspace_id FROM integrations WHERE kind = \(bind: input.kind.rawValue) AND shop_host = \(bind: input.shopHost)"
            ).first()
            if let taken {
                let same = try taken.decode(column: "workspace_id", as: UUID.self) == workspaceID
                throw APIError(
                    .conflict, "already_connected",
                    same ? "\(input.shopHost) is already connected to this workspace" : "\(input.shopHost) is connected to another workspace",
                    field: input.kind == .shopify ? "shop_domain" : "site_url"
                )
            }
            try await sql.raw(
                """
                INSERT INTO integrations (id, workspace_id, kind, name, shop_host, site_url, api_base_url, api_version, default_country,
                    access_token_sealed, consumer_key_sealed, consumer_secret_sealed, webhook_secret_sealed, created_at, updated_at)
                VALUES (\(bind: id), \(bind: workspaceID), \(bind: input.kind.rawValue), \(bind: input.name), \(bind: input.shopHost),
                    \(bind: input.siteURL), \(bind: input.apiBaseURL), \(bind: input.apiVersion), \(bind: input.defaultCountry), \(bind: sealedToken),
                    \(bind: sealedKey), \(bind: sealedSecret), \(bind: sealedWebhook), \(bind: now), \(bind: now))
                """
            ).run()
        }
        guard let saved = try await find(id: id, workspaceID: workspaceID) else { throw APIError.notFound("the integration") }
        return saved
    }

    func list(workspaceID: UUID) async throws -> [Integration] {
        try await database.read { sql in
            try await sql.raw(
                "SELECT \(unsafeRaw: Integration.columns) FROM integrations WHERE workspace_id = \(bind: workspaceID) ORDER BY created_at, id"
            ).all().map(Integration.decode)
        }
    }

    func find(id: UUID, workspaceID: UUID) async throws -> Integration? {
        try await database.read { sql in
            try await sql.raw(
                "SELECT \(unsafeRaw: Integration.columns) FROM integrations WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)"
            ).first().map(Integration.decode)
        }
    }

    /// The connection a webhook is for, whichever workspace it is in: Shopify's by the shop domain header, WooCommerce's
    /// by the id in its webhook URL.
    func find(kind: Integration.Kind, shopHost: String) async throws -> Integration? {
        try await database.read { sql in
            try await sql.raw(
                "SELECT \(unsafeRaw: Integration.columns) FROM integrations WHERE kind = \(bind: kind.rawValue) AND shop_host = \(bind: shopHost.lowercased())"
            ).first().map(Integration.decode)
        }
    }

    func find(kind: Integration.Kind, id: UUID) async throws -> Integration? {
        try await database.read { sql in
            try await sql.raw(
                "SELECT \(unsafeRaw: Integration.columns) FROM integrations WHERE kind = \(bind: kind.rawValue) AND id = \(bind: id)"
            ).first().map(Integration.decode)
        }
    }

    /// A connection by id alone, for the worker that applies its deliveries.
    func find(integrationID: UUID) async throws -> Integration? {
        try await database.read { sql in
            try await sql.raw("SELECT \(unsafeRaw: Integration.columns) FROM integrations WHERE id = \(bind: integrationID)").first().map(Integration.decode)
        }
    }

    func secrets(_ integration: Integration) async throws -> IntegrationSecrets {
        let row = try await database.read { sql in
            try await sql.raw(
                "SELECT access_token_sealed, consumer_key_sealed, consumer_secret_sealed, webhook_secret_sealed FROM integrations WHERE id = \(bind: integration.id)"
            ).first()
        }
        guard let row else { throw APIError.notFound("the integration") }
        func open(_ column: IntegrationSecretColumn) throws -> String? {
            try row.decode(column: column.rawValue, as: String?.self).map { try secretKey.open($0, for: Self.place(column, integration.id)) }
        }
        return IntegrationSecrets(
            accessToken: try open(.accessToken), consumerKey: try open(.consumerKey), consumerSecret: try open(.consumerSecret),
            webhookSecret: try open(.webhookSecret) ?? ""
        )
    }

    func delete(id: UUID, workspaceID: UUID) async throws -> Bool {
        try await database.transaction { sql in
            let found = try await sql.raw("SELECT id FROM integrations WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)").first()
            guard found != nil else { return false }
            try await sql.raw("DELETE FROM integration_deliveries WHERE integration_id = \(bind: id)").run()
            try await sql.raw("DELETE FROM integrations WHERE id = \(bind: id)").run()
            return true
        }
    }

    /// Stores a verified delivery to be applied by ``ShopDeliveryProcessor``; a delivery key seen before stores
    /// nothing. Returns whether it was new.
    func receive(integrationID: UUID, topic: String, key: String, body: [UInt8], outcome: String? = nil) async throws -> Bool {
        let now = Date()
        return try await database.transaction { sql in
            let inserted = try await sql.raw(
                """
                INSERT INTO integration_deliveries (id, integration_id, topic, delivery_key, body, received_at, processed_at, outcome)
                VALUES (\(bind: UUID.timeOrdered()), \(bind: integrationID), \(bind: topic), \(bind: key), \(bind: Data(body)), \(bind: now),
                    \(bind: outcome == nil ? nil : now), \(bind: outcome))
                ON CONFLICT (integration_id, delivery_key) DO NOTHING RETURNING id
                """
            ).all()
            return !inserted.isEmpty
        }
    }

    /// How many deliveries a connection has had, by state: the backlog the worker has yet to apply, and outcomes.
    struct DeliveryCounts: Sendable, Encodable {
        var received = 0
        var pending = 0
        var failed = 0
        var outcomes: [String: Int] = [:]
    }

    func deliveryCounts(integrationID: UUID) async throws -> DeliveryCounts {
        try await database.read { sql in
            var counts = DeliveryCounts()
            for row in try await sql.raw(
                """
                SELECT outcome, CASE WHEN processed_at IS NULL THEN 1 ELSE 0 END AS pending, COUNT(*) AS n FROM integration_deliveries
                WHERE integration_id = \(bind: integrationID) GROUP BY outcome, CASE WHEN processed_at IS NULL THEN 1 ELSE 0 END
                """
            ).all() {
                let n = try row.decode(column: "n", as: Int.self)
                counts.received += n
                if try row.decode(column: "pending", as: Int.self) == 1 {
                    counts.pending += n
                } else if let outcome = try row.decode(column: "outcome", as: String?.self) {
                    counts.outcomes[outcome, default: 0] += n
                    if outcome == "failed" { counts.failed += n }
                }
            }
            return counts
        }
    }

    struct DeliverySummary: Sendable, Encodable {
        let id: UUID
        let topic: String
        let receivedAt: Date
        let processedAt: Date?
        let attempts: Int
        let outcome: String?
        let error: String?
        enum CodingKeys: String, CodingKey {
            case id, topic, attempts, outcome, error
            case receivedAt = "received_at", processedAt = "processed_at"
        }
        /// `pending`, `failed` (given up), or the outcome.
        var state: String { processedAt == nil ? (error == nil ? "pending" : "retrying") : (outcome ?? "failed") }
    }

    func recentDeliveries(integrationID: UUID, limit: Int = 20) async throws -> [DeliverySummary] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT id, topic, received_at, processed_at, attempts, outcome, error FROM integration_deliveries
                WHERE integration_id = \(bind: integrationID) ORDER BY received_at DESC, id DESC LIMIT \(bind: limit)
                """
            ).all().map {
                DeliverySummary(
                    id: try $0.decode(column: "id", as: UUID.self), topic: try $0.decode(column: "topic", as: String.self),
                    receivedAt: try $0.decode(column: "received_at", as: Date.self), processedAt: try $0.decode(column: "processed_at", as: Date?.self),
                    attempts: try $0.decode(column: "attempts", as: Int.self), outcome: try $0.decode(column: "outcome", as: String?.self),
                    error: try $0.decode(column: "error", as: String?.self)
                )
            }
        }
    }
}
