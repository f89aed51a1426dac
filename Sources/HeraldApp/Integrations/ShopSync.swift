import Foundation
import SQLKit
import Storage

/// A resource's import from a shop's REST API (a backfill, or WooCommerce's scheduled catch-up) and its progress.
struct ShopSync: Sendable, Encodable {
    enum Resource: String, Sendable, Encodable, CaseIterable {
        case orders, products, customers
        /// WooCommerce's scheduled poll of orders modified since the last one: it never retries a failed webhook.
        case catchup
    }

    var id: UUID
    var integrationID: UUID
    var resource: Resource
    var status: String
    var jobID: UUID?
    var nextPage: String?
    var pagesDone: Int
    var pagesTotal: Int?
    var itemsDone: Int
    var itemsFailed: Int
    var itemsTotal: Int?
    var modifiedAfter: Date?
    var startedAt: Date
    var updatedAt: Date
    var finishedAt: Date?
    var lastError: String?

    enum CodingKeys: String, CodingKey {
        case id, resource, status
        case integrationID = "integration_id", jobID = "job_id", pagesDone = "pages_done", pagesTotal = "pages_total", itemsDone = "items_done"
        case itemsFailed = "items_failed", itemsTotal = "items_total", modifiedAfter = "modified_after", startedAt = "started_at"
        case updatedAt = "updated_at", finishedAt = "finished_at", lastError = "last_error"
    }

    /// Which resources each kind of shop imports.
    static func resources(_ kind: Integration.Kind) -> [Resource] {
        kind == .shopify ? [.orders, .products] : [.orders, .customers, .catchup]
    }

    static let columns = """
        id, integration_id, resource, status, job_id, next_page, pages_done, pages_total, items_done, items_failed, items_total, modified_after,
        started_at, updated_at, finished_at, last_error
        """

    static func decode(_ row: any SQLRow) throws -> ShopSync {
        ShopSync(
            id: try row.decode(column: "id", as: UUID.self), integrationID: try row.decode(column: "integration_id", as: UUID.self),
            resource: Resource(rawValue: try row.decode(column: "resource", as: String.self)) ?? .orders,
            status: try row.decode(column: "status", as: String.self), jobID: try row.decode(column: "job_id", as: UUID?.self),
            nextPage: try row.decode(column: "next_page", as: String?.self), pagesDone: try row.decode(column: "pages_done", as: Int.self),
            pagesTotal: try row.decode(column: "pages_total", as: Int?.self), itemsDone: try row.decode(column: "items_done", as: Int.self),
            itemsFailed: try row.decode(column: "items_failed", as: Int.self), itemsTotal: try row.decode(column: "items_total", as: Int?.self),
            modifiedAfter: try row.decode(column: "modified_after", as: Date?.self), startedAt: try row.decode(column: "started_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self), finishedAt: try row.decode(column: "finished_at", as: Date?.self),
            lastError: try row.decode(column: "last_error", as: String?.self)
        )
    }
}

/// The syncs of a connection: started (with their job) in one transaction, read for progress.
struct ShopSyncStore: Sendable {
    let database: Database
    static let jobKind = "shop_sync"
    static let staleSeconds: Double = 3600

    /// WooCommerce connections whose catch-up is due: never run, or last started over `interval` seconds ago.
    func dueCatchUps(interval: Double) async throws -> [UUID] {
        let now = Date()
        return try await database.read { sql in
            try await sql.raw(
                """
                SELECT i.id FROM integrations i LEFT JOIN integration_syncs s ON s.integration_id = i.id AND s.resource = 'catchup'
                WHERE i.kind = 'woocommerce' AND (s.id IS NULL OR (s.status <> 'running' AND s.started_at < \(bind: now.addingTimeInterval(-interval)))
                    OR (s.status = 'running' AND s.updated_at < \(bind: now.addingTimeInterval(-Self.staleSeconds))))
                ORDER BY i.id LIMIT 100
                """
            ).all().map { try $0.decode(column: "id", as: UUID.self) }
        }
    }

    func find(integrationID: UUID, resource: ShopSync.Resource, in sql: any SQLDatabase) async throws -> ShopSync? {
        try await sql.raw(
            "SELECT \(unsafeRaw: ShopSync.columns) FROM integration_syncs WHERE integration_id = \(bind: integrationID) AND resource = \(bind: resource.rawValue)"
        ).first().map(ShopSync.decode)
    }

    func find(integrationID: UUID, resource: ShopSync.Resource) async throws -> ShopSync? {
        try await database.read { sql in try await find(integrationID: integrationID, resource: resource, in: sql) }
    }

    func all(integrationID: UUID) async throws -> [ShopSync] {
        try await database.read { sql in
            try await sql.raw(
                "SELECT \(unsafeRaw: ShopSync.columns) FROM integration_syncs WHERE integration_id = \(bind: integrationID) ORDER BY resource"
            ).all().map(ShopSync.decode)
        }
    }

    /// Starts the resource's sync from its first page, unless one is running (which is returned as it is). A catch-up
    /// asks for what changed since the last one started, less a margin for clocks. Returns the sync and whether it was
    /// started now.
    func start(_ integration: Integration, resource: ShopSync.Resource, in sql: any SQLDatabase, dialect: Dialect) async throws -> (ShopSync, Bool) {
        let now = Date()
        let existing = try await find(integrationID: integration.id, resource: resource, in: sql)
        // A running sync whose job died on every attempt stops saying so after an hour and may be started again.
        let stale = now.addingTimeInterval(-Self.staleSeconds)
        if let existing, existing.status == "running", existing.updatedAt > stale { return (existing, false) }
        let jobID = UUID()
        if let existing, existing.status == "failed", existing.nextPage != nil {
            // A sync that failed part-way (the shop was down) resumes from the page it stopped at.
            let updated = try await sql.raw(
                """
                UPDATE integration_syncs SET status = 'running', job_id = \(bind: jobID), updated_at = \(bind: now), last_error = NULL
                WHERE id = \(bind: existing.id) AND status = 'failed' RETURNING id
                """
            ).all()
            if !updated.isEmpty {
                try await enqueue(integration, resource: resource, jobID: jobID, in: sql, dialect: dialect)
                return (try await find(integrationID: integration.id, resource: resource, in: sql) ?? existing, true)
            }
            return (try await find(integrationID: integration.id, resource: resource, in: sql) ?? existing, false)
        }
        let modifiedAfter = resource == .catchup ? (existing?.startedAt.addingTimeInterval(-600) ?? now.addingTimeInterval(-86400)) : nil
        if let existing {
            // Only if nobody else restarted it meanwhile (several servers may run the catch-up schedule).
            let updated = try await sql.raw(
                """
                UPDATE integration_syncs SET status = 'running', job_id = \(bind: jobID), next_page = NULL, pages_done = 0, pages_total = NULL,
                    items_done = 0, items_failed = 0, items_total = NULL, modified_after = \(bind: modifiedAfter), started_at = \(bind: now),
                    updated_at = \(bind: now), finished_at = NULL, last_error = NULL
                WHERE id = \(bind: existing.id) AND (status <> 'running' OR updated_at < \(bind: stale)) RETURNING id
                """
            ).all()
            guard !updated.isEmpty else { return (try await find(integrationID: integration.id, resource: resource, in: sql) ?? existing, false) }
        } else {
            try await sql.raw(
                """
                INSERT INTO integration_syncs (id, integration_id, resource, status, job_id, modified_after, started_at, updated_at)
                VALUES (\(bind: UUID()), \(bind: integration.id), \(bind: resource.rawValue), 'running', \(bind: jobID), \(bind: modifiedAfter),
                    \(bind: now), \(bind: now))
                ON CONFLICT (integration_id, resource) DO NOTHING
                """
            ).run()
        }
        guard let sync = try await find(integrationID: integration.id, resource: resource, in: sql) else { throw APIError.notFound("the sync") }
        guard sync.jobID == jobID else { return (sync, false) }
        try await enqueue(integration, resource: resource, jobID: jobID, in: sql, dialect: dialect)
        return (sync, true)
    }

    func enqueue(_ integration: Integration, resource: ShopSync.Resource, jobID: UUID, in sql: any SQLDatabase, dialect: Dialect) async throws {
        try await JobQueue.enqueue(
            sql, dialect: dialect, id: jobID, workspaceID: integration.workspaceID, kind: Self.jobKind,
            payload: #"{"integration_id":"\#(integration.id.uuidString.lowercased())","resource":"\#(resource.rawValue)"}"#
        )
    }
}
