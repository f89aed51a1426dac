import Analytics
import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Storage
import Testing

@testable import HeraldApp

/// A Herald router whose alert settings suit tests (no grace, 0.2 s retries, plain-http webhooks), with helpers that
/// write rollup cells by hand.
struct AlertFixture {
    let app: TestApp
    var database: Database { app.database }
    var services: AppServices { app.services }
    var workspaceID: UUID { app.workspace.id }

    static func with(_ engine: Engine, allowHTTP: Bool = true, _ body: @escaping @Sendable (AlertFixture) async throws -> Void) async throws {
        try await TestDatabase.with(engine) { database in
            var config = HeraldConfig(databaseURL: .sqlite(path: ""), dataDirectory: NSTemporaryDirectory(), secretKey: .random())
            config.runWorkers = false
            config.alerts.grace = 0
            config.alerts.interval = 0.2
            config.alerts.retryBase = 0.2
            config.alerts.allowHTTP = allowHTTP
            let services = AppServices(database: database, bcryptCost: 4, config: config)
            let (workspace, key) = try await services.workspaces.create(name: "Acme", defaultCountry: "DE")
            let router = buildRouter(services: services, config: config, web: try await WebConsole.load())
            let application = Application(router: router, logger: TestDatabase.logger)
            try await application.test(.router) { client in
                try await body(AlertFixture(app: TestApp(database: database, services: services, workspace: workspace, key: key, client: client)))
            }
        }
    }

    func worker(owner: String = "test-\(UUID().uuidString.prefix(6))") -> AlertWorker {
        AlertWorker(services: services.alerting, publicBaseURL: "https://herald.example", logger: TestDatabase.logger, owner: owner)
    }

    @discardableResult
    func evaluate(at now: Date) async throws -> AlertEvaluator.Result {
        try await AlertEvaluator(database: database, grace: 0).evaluate(workspaceID: workspaceID, now: now)
    }

    func campaign(_ name: String, budgetMicros: Int64? = nil, currency: String? = nil) async throws -> UUID {
        let id = UUID.timeOrdered(), now = Date(), workspaceID = workspaceID
        try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO campaigns (id, workspace_id, name, status, created_at, updated_at, budget_micros, budget_currency)
                VALUES (\(bind: id), \(bind: workspaceID), \(bind: name), 'sending', \(bind: now), \(bind: now), \(bind: budgetMicros), \(bind: currency))
                """
            ).run()
        }
        return id
    }

    /// Sets one cell's counters (in the bucket holding `at`), replacing what was there.
    func cell(_ campaignID: UUID, at: Date, sent: Int = 0, delivered: Int = 0, read: Int = 0, failed: Int = 0) async throws {
        let bucket = Analytics.bucket(unixSeconds: at.timeIntervalSince1970), workspaceID = workspaceID
        try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO analytics_cells (workspace_id, campaign_id, variation_id, country, bucket, sent, delivered, read, failed)
                VALUES (\(bind: workspaceID), \(bind: campaignID), \(bind: CellKey.noVariation), 'DE', \(bind: bucket), \(bind: sent), \(bind: delivered),
                    \(bind: read), \(bind: failed))
                ON CONFLICT (campaign_id, variation_id, country, bucket) DO UPDATE SET sent = excluded.sent, delivered = excluded.delivered,
                    read = excluded.read, failed = excluded.failed
                """
            ).run()
        }
    }

    func failures(_ campaignID: UUID, at: Date, code: Int, count: Int) async throws {
        let bucket = Analytics.bucket(unixSeconds: at.timeIntervalSince1970), workspaceID = workspaceID
        try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO analytics_failures (workspace_id, campaign_id, variation_id, country, bucket, error_code, failed)
                VALUES (\(bind: workspaceID), \(bind: campaignID), \(bind: CellKey.noVariation), 'DE', \(bind: bucket), \(bind: code), \(bind: count))
                ON CONFLICT (campaign_id, variation_id, country, bucket, error_code) DO UPDATE SET failed = excluded.failed
                """
            ).run()
        }
    }

    func cost(_ campaignID: UUID, at: Date, micros: Int64, currency: String) async throws {
        let bucket = Analytics.bucket(unixSeconds: at.timeIntervalSince1970), workspaceID = workspaceID
        try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO analytics_money (workspace_id, campaign_id, variation_id, country, bucket, currency, cost_micros)
                VALUES (\(bind: workspaceID), \(bind: campaignID), \(bind: CellKey.noVariation), 'DE', \(bind: bucket), \(bind: currency), \(bind: micros))
                """
            ).run()
        }
    }

    /// Episodes of the workspace, newest first.
    func episodes() async throws -> [Alert] {
        try await services.messaging.alerts.list(workspaceID: workspaceID).filter { $0.ruleID != nil }
    }

    func rule(_ builtin: AlertBuiltin) async throws -> AlertRule {
        let workspaceID = workspaceID
        return try await database.transaction { sql in try await AlertRuleStore.builtin(builtin, workspaceID: workspaceID, in: sql)! }
    }

    func count(_ table: String, _ filter: SQLQueryString = "1 = 1") async throws -> Int {
        try await database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table) WHERE \(filter)").first()!.decode(column: "n", as: Int.self)
        }
    }
}

/// A fixed evaluation time in the middle of a quarter hour (so "the last hour" is five whole buckets).
let alertNow = Date(timeIntervalSince1970: 1_780_000_000 + 450)
