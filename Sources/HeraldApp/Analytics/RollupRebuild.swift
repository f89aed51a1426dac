import Analytics
import Foundation
import SQLKit
import Storage

/// Recomputes the rollup cells from raw events (docs/design-analytics.md 2.3): `verify` compares without writing,
/// `rebuild` replaces a campaign's cells in one transaction that excludes every incremental writer of them.
public struct RollupRebuild: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// One cell whose stored numbers differ from the recomputation.
    public struct Difference: Sendable, CustomStringConvertible {
        public let table: String
        public let campaignID: UUID
        public let cell: String
        public let stored: String
        public let expected: String

        public var description: String { "\(table) campaign \(campaignID.uuidString.lowercased()) \(cell): stored \(stored), expected \(expected)" }
    }

    struct Cells: Equatable {
        var counts: [CellKey: CellCounts] = [:]
        var failures: [CellKey: [Int: Int64]] = [:]
        var money: [CellKey: [String: MoneyCounts]] = [:]
    }

    /// Campaigns of a workspace (all when `campaignID` is nil) that have messages.
    func campaigns(workspaceID: UUID?, campaignID: UUID?) async throws -> [UUID] {
        if let campaignID { return [campaignID] }
        return try await database.read { sql in
            let filter: SQLQueryString = workspaceID.map { " WHERE workspace_id = \(bind: $0)" } ?? ""
            return try await sql.raw("SELECT id FROM campaigns\(filter) ORDER BY id").all().map { try $0.decode(column: "id", as: UUID.self) }
        }
    }

    /// Every cell that differs between the tables and a recomputation from events, messages and conversions.
    public func verify(workspaceID: UUID? = nil, campaignID: UUID? = nil) async throws -> [Difference] {
        var differences: [Difference] = []
        for campaign in try await campaigns(workspaceID: workspaceID, campaignID: campaignID) {
            let (stored, expected) = try await database.read { sql in
                (try await Self.stored(campaign, in: sql), try await Self.recompute(campaign, dialect: database.dialect, in: sql))
            }
            differences += Self.compare(stored: stored, expected: expected, campaign: campaign)
        }
        return differences
    }

    /// Replaces the cells of each campaign with the recomputation; returns how many campaigns it rebuilt.
    @discardableResult
    public func rebuild(
        workspaceID: UUID? = nil, campaignID: UUID? = nil, pause: Duration = .zero,
        progress: @Sendable (_ done: Int, _ total: Int) async throws -> Void = { _, _ in }
    ) async throws -> Int {
        let list = try await campaigns(workspaceID: workspaceID, campaignID: campaignID)
        for (index, campaign) in list.enumerated() {
            try await rebuild(campaign: campaign)
            try await progress(index + 1, list.count)
            if pause > .zero { try await Task.sleep(for: pause) }
        }
        return list.count
    }

    func rebuild(campaign: UUID) async throws {
        let dialect = database.dialect
        try await database.transaction { sql in
            // Writers take FOR KEY SHARE on the campaign before touching its cells: this waits for them and keeps them out.
            if dialect.kind == .postgres {
                try await sql.raw("SELECT id FROM campaigns WHERE id = \(bind: campaign) FOR UPDATE").run()
            }
            try await Self.attachLegacyEvents(campaign, dialect: dialect, in: sql)
            try await Self.fillCountries(campaign, in: sql)
            // A message with events but no cohort (sent before cohorts existed) takes its earliest event's time.
            try await sql.raw(
                """
                UPDATE messages SET cohort_at = (SELECT MIN(e.occurred_at) FROM message_events e WHERE e.message_id = messages.id)
                WHERE campaign_id = \(bind: campaign) AND cohort_at IS NULL
                  AND EXISTS (SELECT 1 FROM message_events e WHERE e.message_id = messages.id)
                """
            ).run()
            let cells = try await Self.recompute(campaign, dialect: dialect, in: sql)
            for table in ["analytics_cells", "analytics_failures", "analytics_money"] {
                try await sql.raw("DELETE FROM \(ident: table) WHERE campaign_id = \(bind: campaign)").run()
            }
            var delta = RollupDelta()
            for (key, counts) in cells.counts { delta.add(key, counts) }
            // Failures are already counted in `counts.failed`: add the codes without counting twice.
            var codes = RollupDelta()
            for (key, byCode) in cells.failures { for (code, n) in byCode { codes.addFailure(key, code: code, count: n) } }
            for (key, currencies) in cells.money { for (currency, m) in currencies { delta.addMoney(key, currency: currency, m) } }
            try await delta.flush(dialect: dialect, in: sql)
            try await FailureCodes(delta: codes).flush(dialect: dialect, in: sql)
        }
    }

    /// Writes only the per-code failure rows of a delta (its `failed` counts are already in the cells).
    struct FailureCodes {
        let delta: RollupDelta
        func flush(dialect: Dialect, in sql: any SQLDatabase) async throws {
            let rows = delta.failures.sorted { $0.key < $1.key }.flatMap { key, codes in codes.sorted { $0.key < $1.key }.map { (key, $0.key, $0.value) } }
            try await sql.insertRows(
                "INSERT INTO analytics_failures (workspace_id, campaign_id, variation_id, country, bucket, error_code, failed) VALUES ", rows,
                tail: " ON CONFLICT (campaign_id, variation_id, country, bucket, error_code) DO UPDATE SET failed = analytics_failures.failed + excluded.failed"
            ) { key, code, n in
                "(\(bind: key.workspaceID), \(bind: key.campaignID), \(bind: key.variationID), \(bind: key.country), \(bind: key.bucket), \(bind: code), \(bind: n))"
            }
        }
    }

    /// The cells of one campaign as stored.
    static func stored(_ campaign: UUID, in sql: any SQLDatabase) async throws -> Cells {
        var cells = Cells()
        for row in try await sql.raw(
            """
            SELECT workspace_id, variation_id, country, bucket, sent, delivered, read, clicked, clicks, replied, replies, failed, converted, orders
            FROM analytics_cells WHERE campaign_id = \(bind: campaign)
            """
        ).all() {
            let c = CellCounts(
                sent: try row.decode(column: "sent", as: Int64.self), delivered: try row.decode(column: "delivered", as: Int64.self),
                read: try row.decode(column: "read", as: Int64.self), clicked: try row.decode(column: "clicked", as: Int64.self),
                clicks: try row.decode(column: "clicks", as: Int64.self), replied: try row.decode(column: "replied", as: Int64.self),
                replies: try row.decode(column: "replies", as: Int64.self), failed: try row.decode(column: "failed", as: Int64.self),
                converted: try row.decode(column: "converted", as: Int64.self), orders: try row.decode(column: "orders", as: Int64.self)
            )
            if !c.isZero { cells.counts[try key(row, campaign: campaign)] = c }
        }
        for row in try await sql.raw(
            "SELECT workspace_id, variation_id, country, bucket, error_code, failed FROM analytics_failures WHERE campaign_id = \(bind: campaign)"
        ).all() {
            let n = try row.decode(column: "failed", as: Int64.self)
            if n != 0 { cells.failures[try key(row, campaign: campaign), default: [:]][try row.decode(column: "error_code", as: Int.self)] = n }
        }
        for row in try await sql.raw(
            """
            SELECT workspace_id, variation_id, country, bucket, currency, cost_micros, revenue_minor, refunded_orders, refunded_minor
            FROM analytics_money WHERE campaign_id = \(bind: campaign)
            """
        ).all() {
            let m = MoneyCounts(
                costMicros: try row.decode(column: "cost_micros", as: Int64.self), revenueMinor: try row.decode(column: "revenue_minor", as: Int64.self),
                refundedOrders: try row.decode(column: "refunded_orders", as: Int64.self), refundedMinor: try row.decode(column: "refunded_minor", as: Int64.self)
            )
            if !m.isZero { cells.money[try key(row, campaign: campaign), default: [:]][try row.decode(column: "currency", as: String.self)] = m }
        }
        return cells
    }

    static func key(_ row: any SQLRow, campaign: UUID) throws -> CellKey {
        var key = CellKey(
            workspaceID: try row.decode(column: "workspace_id", as: UUID.self), campaignID: campaign,
            variationID: try row.decode(column: "variation_id", as: UUID?.self), country: try row.decode(column: "country", as: String?.self),
            cohortAt: Date(timeIntervalSince1970: 0)
        )
        key.bucket = try row.decode(column: "bucket", as: Int64.self)
        return key
    }

    /// The bucket of a message's cohort, in SQL.
    static func bucket(_ dialect: Dialect) -> SQLQueryString {
        dialect.kind == .postgres
            ? "CAST(floor(extract(epoch FROM m.cohort_at) / 900) * 900 AS BIGINT)"
            : "(CAST(m.cohort_at AS INTEGER) / 900) * 900"
    }

    /// The cells of one campaign recomputed from its messages' events, costs and conversions.
    static func recompute(_ campaign: UUID, dialect: Dialect, in sql: any SQLDatabase) async throws -> Cells {
        var cells = Cells()
        let bucket = bucket(dialect)
        for row in try await sql.raw(
            """
            SELECT m.workspace_id, m.variation_id, m.country, \(bucket) AS bucket,
                COUNT(DISTINCT CASE WHEN e.type = 'sent' THEN e.message_id END) AS sent,
                COUNT(DISTINCT CASE WHEN e.type = 'delivered' THEN e.message_id END) AS delivered,
                COUNT(DISTINCT CASE WHEN e.type = 'read' THEN e.message_id END) AS read,
                COUNT(DISTINCT CASE WHEN e.type = 'clicked' THEN e.message_id END) AS clicked,
                SUM(CASE WHEN e.type = 'clicked' THEN 1 ELSE 0 END) AS clicks,
                COUNT(DISTINCT CASE WHEN e.type = 'replied' THEN e.message_id END) AS replied,
                SUM(CASE WHEN e.type = 'replied' THEN 1 ELSE 0 END) AS replies,
                COUNT(DISTINCT CASE WHEN e.type = 'failed' THEN e.message_id END) AS failed
            FROM messages m JOIN message_events e ON e.message_id = m.id
            WHERE m.campaign_id = \(bind: campaign) AND m.cohort_at IS NOT NULL
            GROUP BY m.workspace_id, m.variation_id, m.country, \(bucket)
            """
        ).all() {
            cells.counts[try key(row, campaign: campaign), default: CellCounts()] = cells.counts[try key(row, campaign: campaign), default: CellCounts()] + CellCounts(
                sent: try row.decode(column: "sent", as: Int64.self), delivered: try row.decode(column: "delivered", as: Int64.self),
                read: try row.decode(column: "read", as: Int64.self), clicked: try row.decode(column: "clicked", as: Int64.self),
                clicks: try row.decode(column: "clicks", as: Int64.self), replied: try row.decode(column: "replied", as: Int64.self),
                replies: try row.decode(column: "replies", as: Int64.self), failed: try row.decode(column: "failed", as: Int64.self)
            )
        }
        for row in try await sql.raw(
            """
            SELECT m.workspace_id, m.variation_id, m.country, \(bucket) AS bucket, COALESCE(e.error_code, 0) AS error_code,
                COUNT(DISTINCT e.message_id) AS failed
            FROM messages m JOIN message_events e ON e.message_id = m.id
            WHERE m.campaign_id = \(bind: campaign) AND m.cohort_at IS NOT NULL AND e.type = 'failed'
            GROUP BY m.workspace_id, m.variation_id, m.country, \(bucket), COALESCE(e.error_code, 0)
            """
        ).all() {
            cells.failures[try key(row, campaign: campaign), default: [:]][try row.decode(column: "error_code", as: Int.self), default: 0] +=
                try row.decode(column: "failed", as: Int64.self)
        }
        for row in try await sql.raw(
            """
            SELECT m.workspace_id, m.variation_id, m.country, \(bucket) AS bucket, c.currency,
                SUM(CASE WHEN c.reversed_at IS NULL THEN 1 ELSE 0 END) AS orders,
                COUNT(DISTINCT CASE WHEN c.reversed_at IS NULL THEN c.message_id END) AS converted,
                CAST(SUM(CASE WHEN c.reversed_at IS NULL THEN c.amount_minor ELSE 0 END) AS BIGINT) AS revenue,
                SUM(CASE WHEN c.reversed_at IS NULL THEN 0 ELSE 1 END) AS refunded_orders,
                CAST(SUM(CASE WHEN c.reversed_at IS NULL THEN 0 ELSE c.amount_minor END) AS BIGINT) AS refunded
            FROM messages m JOIN conversions c ON c.message_id = m.id
            WHERE m.campaign_id = \(bind: campaign) AND m.cohort_at IS NOT NULL
            GROUP BY m.workspace_id, m.variation_id, m.country, \(bucket), c.currency
            """
        ).all() {
            let key = try key(row, campaign: campaign)
            cells.counts[key, default: CellCounts()] = cells.counts[key, default: CellCounts()] + CellCounts(
                converted: try row.decode(column: "converted", as: Int64.self), orders: try row.decode(column: "orders", as: Int64.self)
            )
            let m = MoneyCounts(
                revenueMinor: try row.decode(column: "revenue", as: Int64.self), refundedOrders: try row.decode(column: "refunded_orders", as: Int64.self),
                refundedMinor: try row.decode(column: "refunded", as: Int64.self)
            )
            let currency = try row.decode(column: "currency", as: String.self).uppercased()
            cells.money[key, default: [:]][currency] = cells.money[key, default: [:]][currency, default: MoneyCounts()] + m
        }
        for row in try await sql.raw(
            """
            SELECT m.workspace_id, m.variation_id, m.country, \(bucket) AS bucket, COALESCE(m.cost_currency, 'USD') AS currency,
                CAST(SUM(m.cost_micros) AS BIGINT) AS cost
            FROM messages m WHERE m.campaign_id = \(bind: campaign) AND m.cohort_at IS NOT NULL AND m.cost_micros IS NOT NULL
            GROUP BY m.workspace_id, m.variation_id, m.country, \(bucket), COALESCE(m.cost_currency, 'USD')
            """
        ).all() {
            let key = try key(row, campaign: campaign)
            let currency = try row.decode(column: "currency", as: String.self).uppercased()
            cells.money[key, default: [:]][currency] = cells.money[key, default: [:]][currency, default: MoneyCounts()]
                + MoneyCounts(costMicros: try row.decode(column: "cost", as: Int64.self))
        }
        cells.counts = cells.counts.filter { !$0.value.isZero }
        cells.failures = cells.failures.mapValues { $0.filter { $0.value != 0 } }.filter { !$0.value.isEmpty }
        cells.money = cells.money.mapValues { $0.filter { !$0.value.isZero } }.filter { !$0.value.isEmpty }
        return cells
    }

    static func compare(stored: Cells, expected: Cells, campaign: UUID) -> [Difference] {
        func name(_ k: CellKey) -> String {
            "variation \(k.variationID == CellKey.noVariation ? "-" : k.variationID.uuidString.lowercased()) country '\(k.country)' bucket \(k.bucket)"
        }
        var out: [Difference] = []
        for key in Set(stored.counts.keys).union(expected.counts.keys).sorted() where stored.counts[key] != expected.counts[key] {
            out.append(Difference(
                table: "analytics_cells", campaignID: campaign, cell: name(key),
                stored: String(describing: stored.counts[key] ?? CellCounts()), expected: String(describing: expected.counts[key] ?? CellCounts())
            ))
        }
        for key in Set(stored.failures.keys).union(expected.failures.keys).sorted() where stored.failures[key] != expected.failures[key] {
            out.append(Difference(
                table: "analytics_failures", campaignID: campaign, cell: name(key),
                stored: String(describing: stored.failures[key] ?? [:]), expected: String(describing: expected.failures[key] ?? [:])
            ))
        }
        for key in Set(stored.money.keys).union(expected.money.keys).sorted() where stored.money[key] != expected.money[key] {
            out.append(Difference(
                table: "analytics_money", campaignID: campaign, cell: name(key),
                stored: String(describing: stored.money[key] ?? [:]), expected: String(describing: expected.money[key] ?? [:])
            ))
        }
        return out
    }
}
