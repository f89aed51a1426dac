import Analytics
import Foundation
import SQLKit
import Storage

/// The rollup cell a message's numbers land in: its campaign, variation, recipient country and the quarter hour of its
/// cohort (when it first left Herald). Every event and conversion of a message counts in this one cell, so unique
/// counts add up across cells and do not depend on when or in what order webhooks arrive.
struct CellKey: Hashable, Sendable, Comparable {
    /// The variation column of a message without one (a key column cannot be NULL).
    static let noVariation = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    var workspaceID: UUID
    var campaignID: UUID
    var variationID: UUID
    var country: String
    var bucket: Int64

    init(workspaceID: UUID, campaignID: UUID, variationID: UUID?, country: String?, cohortAt: Date) {
        self.workspaceID = workspaceID
        self.campaignID = campaignID
        self.variationID = variationID ?? Self.noVariation
        self.country = country ?? ""
        self.bucket = Analytics.bucket(unixSeconds: cohortAt.timeIntervalSince1970)
    }

    /// Key order, which is also the order rows are written in (concurrent writers lock cells in the same order).
    static func < (a: CellKey, b: CellKey) -> Bool {
        (a.campaignID.uuidString, a.variationID.uuidString, a.country, a.bucket)
            < (b.campaignID.uuidString, b.variationID.uuidString, b.country, b.bucket)
    }
}

/// Increments of one cell's counters.
struct CellCounts: Sendable, Equatable {
    var sent: Int64 = 0
    var delivered: Int64 = 0
    var read: Int64 = 0
    /// Messages clicked at least once, and every click.
    var clicked: Int64 = 0
    var clicks: Int64 = 0
    /// Messages replied to at least once, and every reply.
    var replied: Int64 = 0
    var replies: Int64 = 0
    var failed: Int64 = 0
    /// Messages with at least one active conversion, and active conversions (orders).
    var converted: Int64 = 0
    var orders: Int64 = 0

    static func + (a: CellCounts, b: CellCounts) -> CellCounts {
        CellCounts(
            sent: a.sent + b.sent, delivered: a.delivered + b.delivered, read: a.read + b.read, clicked: a.clicked + b.clicked,
            clicks: a.clicks + b.clicks, replied: a.replied + b.replied, replies: a.replies + b.replies, failed: a.failed + b.failed,
            converted: a.converted + b.converted, orders: a.orders + b.orders
        )
    }

    var isZero: Bool { self == CellCounts() }
}

/// Increments of one cell's money, in one currency.
struct MoneyCounts: Sendable, Equatable {
    var costMicros: Int64 = 0
    var revenueMinor: Int64 = 0
    var refundedOrders: Int64 = 0
    var refundedMinor: Int64 = 0

    static func + (a: MoneyCounts, b: MoneyCounts) -> MoneyCounts {
        MoneyCounts(
            costMicros: a.costMicros + b.costMicros, revenueMinor: a.revenueMinor + b.revenueMinor,
            refundedOrders: a.refundedOrders + b.refundedOrders, refundedMinor: a.refundedMinor + b.refundedMinor
        )
    }

    var isZero: Bool { self == MoneyCounts() }
}

/// The rollup increments of one transaction, summed in memory and written by ``flush(dialect:in:)`` as the last step of
/// the transaction that recorded the events, so the cells commit or roll back with them (docs/design-analytics.md 2.2).
struct RollupDelta: Sendable {
    private(set) var cells: [CellKey: CellCounts] = [:]
    private(set) var failures: [CellKey: [Int: Int64]] = [:]
    private(set) var money: [CellKey: [String: MoneyCounts]] = [:]

    var isEmpty: Bool { cells.isEmpty && failures.isEmpty && money.isEmpty }

    mutating func add(_ key: CellKey, _ counts: CellCounts) {
        cells[key, default: CellCounts()] = cells[key, default: CellCounts()] + counts
    }

    /// A failed message with its error code (0 when Meta gave none), counted in `failed` and by code.
    mutating func addFailure(_ key: CellKey, code: Int?, count: Int64 = 1) {
        add(key, CellCounts(failed: count))
        failures[key, default: [:]][code ?? 0, default: 0] += count
    }

    mutating func addMoney(_ key: CellKey, currency: String, _ counts: MoneyCounts) {
        let currency = currency.uppercased()
        money[key, default: [:]][currency] = money[key, default: [:]][currency, default: MoneyCounts()] + counts
    }

    mutating func merge(_ other: RollupDelta) {
        for (key, counts) in other.cells { add(key, counts) }
        for (key, codes) in other.failures { for (code, n) in codes { failures[key, default: [:]][code, default: 0] += n } }
        for (key, currencies) in other.money { for (currency, counts) in currencies { addMoney(key, currency: currency, counts) } }
    }

    /// Adds the increments to the cells, one statement per table, rows in key order.
    func flush(dialect: Dialect, in sql: any SQLDatabase) async throws {
        let cellRows = cells.filter { !$0.value.isZero }.sorted { $0.key < $1.key }
        let failureRows = failures.sorted { $0.key < $1.key }.flatMap { key, codes in
            codes.sorted { $0.key < $1.key }.filter { $0.value != 0 }.map { (key, $0.key, $0.value) }
        }
        let moneyRows = money.sorted { $0.key < $1.key }.flatMap { key, currencies in
            currencies.sorted { $0.key < $1.key }.filter { !$0.value.isZero }.map { (key, $0.key, $0.value) }
        }
        if cellRows.isEmpty && failureRows.isEmpty && moneyRows.isEmpty { return }
        if dialect.kind == .postgres {
            // What an event insert's foreign key takes anyway: a rebuild holding FOR UPDATE on the campaign excludes us.
            let campaigns = Set(cellRows.map(\.key.campaignID) + failureRows.map(\.0.campaignID) + moneyRows.map(\.0.campaignID))
            try await sql.raw(
                "SELECT 1 FROM campaigns WHERE id IN (\(binds: campaigns.sorted { $0.uuidString < $1.uuidString })) ORDER BY id FOR KEY SHARE"
            ).run()
        }
        try await sql.insertRows(
            "INSERT INTO analytics_cells (workspace_id, campaign_id, variation_id, country, bucket, sent, delivered, read, clicked, clicks, replied, replies, failed, converted, orders) VALUES ",
            cellRows,
            tail: """
                 ON CONFLICT (campaign_id, variation_id, country, bucket) DO UPDATE SET sent = analytics_cells.sent + excluded.sent,
                delivered = analytics_cells.delivered + excluded.delivered, read = analytics_cells.read + excluded.read,
                clicked = analytics_cells.clicked + excluded.clicked, clicks = analytics_cells.clicks + excluded.clicks,
                replied = analytics_cells.replied + excluded.replied, replies = analytics_cells.replies + excluded.replies,
                failed = analytics_cells.failed + excluded.failed, converted = analytics_cells.converted + excluded.converted,
                orders = analytics_cells.orders + excluded.orders
                """
        ) { key, c in
            """
            (\(bind: key.workspaceID), \(bind: key.campaignID), \(bind: key.variationID), \(bind: key.country), \(bind: key.bucket),
            \(bind: c.sent), \(bind: c.delivered), \(bind: c.read), \(bind: c.clicked), \(bind: c.clicks), \(bind: c.replied), \(bind: c.replies),
            \(bind: c.failed), \(bind: c.converted), \(bind: c.orders))
            """
        }
        try await sql.insertRows(
            "INSERT INTO analytics_failures (workspace_id, campaign_id, variation_id, country, bucket, error_code, failed) VALUES ",
            failureRows,
            tail: " ON CONFLICT (campaign_id, variation_id, country, bucket, error_code) DO UPDATE SET failed = analytics_failures.failed + excluded.failed"
        ) { key, code, n in
            "(\(bind: key.workspaceID), \(bind: key.campaignID), \(bind: key.variationID), \(bind: key.country), \(bind: key.bucket), \(bind: code), \(bind: n))"
        }
        try await sql.insertRows(
            "INSERT INTO analytics_money (workspace_id, campaign_id, variation_id, country, bucket, currency, cost_micros, revenue_minor, refunded_orders, refunded_minor) VALUES ",
            moneyRows,
            tail: """
                 ON CONFLICT (campaign_id, variation_id, country, bucket, currency) DO UPDATE SET
                cost_micros = analytics_money.cost_micros + excluded.cost_micros, revenue_minor = analytics_money.revenue_minor + excluded.revenue_minor,
                refunded_orders = analytics_money.refunded_orders + excluded.refunded_orders,
                refunded_minor = analytics_money.refunded_minor + excluded.refunded_minor
                """
        ) { key, currency, m in
            """
            (\(bind: key.workspaceID), \(bind: key.campaignID), \(bind: key.variationID), \(bind: key.country), \(bind: key.bucket), \(bind: currency),
            \(bind: m.costMicros), \(bind: m.revenueMinor), \(bind: m.refundedOrders), \(bind: m.refundedMinor))
            """
        }
    }
}

/// Reads the cell of messages from their rows (the caller's transaction has them locked, or they cannot change).
enum MessageCells {
    /// The cell of each message. A message without `cohort_at` (its send was recorded before cohorts existed) gets one
    /// now, once: when Meta accepted it, else `fallback` (the event's time), so later events and the rebuild agree.
    static func load(_ messageIDs: [UUID], fallback: Date = Date(), in sql: any SQLDatabase) async throws -> [UUID: CellKey] {
        var keys: [UUID: CellKey] = [:]
        let unique = Array(Set(messageIDs)).sorted { $0.uuidString < $1.uuidString }
        for start in stride(from: 0, to: unique.count, by: 500) {
            let part = Array(unique[start..<min(start + 500, unique.count)])
            try await sql.raw(
                "UPDATE messages SET cohort_at = COALESCE(accepted_at, failed_at, \(bind: fallback)) WHERE id IN (\(binds: part)) AND cohort_at IS NULL"
            ).run()
        }
        for start in stride(from: 0, to: unique.count, by: 500) {
            let part = Array(unique[start..<min(start + 500, unique.count)])
            for row in try await sql.raw(
                "SELECT id, workspace_id, campaign_id, variation_id, country, cohort_at FROM messages WHERE id IN (\(binds: part))"
            ).all() {
                let id = try row.decode(column: "id", as: UUID.self)
                keys[id] = CellKey(
                    workspaceID: try row.decode(column: "workspace_id", as: UUID.self), campaignID: try row.decode(column: "campaign_id", as: UUID.self),
                    variationID: try row.decode(column: "variation_id", as: UUID?.self), country: try row.decode(column: "country", as: String?.self),
                    cohortAt: try row.decode(column: "cohort_at", as: Date?.self) ?? fallback
                )
            }
        }
        return keys
    }
}

/// Holds back the rollup increments of a transaction that applies many items one by one (a webhook delivery, a batch
/// of send outcomes) and flushes them once at its end. Flushing per item would lock cell rows while later items still
/// lock message rows, and two such transactions on PostgreSQL would deadlock on each other.
final class PendingRollups: @unchecked Sendable {
    private let lock = NSLock()
    private var delta = RollupDelta()

    func add(_ other: RollupDelta) { lock.withLock { delta.merge(other) } }
    var collected: RollupDelta { lock.withLock { delta } }

    @TaskLocal static var current: PendingRollups?

    /// Runs `body` with increments held back, then flushes them, as the last writes of the caller's transaction.
    static func collecting<R>(dialect: Dialect, in sql: any SQLDatabase, _ body: () async throws -> R) async throws -> R {
        let pending = PendingRollups()
        let result = try await $current.withValue(pending) { try await body() }
        try await pending.collected.flush(dialect: dialect, in: sql)
        return result
    }

    /// Flushes `delta` now, or holds it back when the transaction collects its increments.
    static func flush(_ delta: RollupDelta, dialect: Dialect, in sql: any SQLDatabase) async throws {
        if let current { current.add(delta) } else { try await delta.flush(dialect: dialect, in: sql) }
    }
}
