import Analytics
import Foundation
import SQLKit
import Storage

/// Reads the rollup cells the alert rules measure (never raw events): sums by campaign over the quarter hours that
/// overlap a time range.
enum AlertCells {
    struct Totals: Sendable, Equatable {
        var sent: Int64 = 0, delivered: Int64 = 0, read: Int64 = 0, clicked: Int64 = 0, replied: Int64 = 0, failed: Int64 = 0
        var converted: Int64 = 0

        static func + (a: Totals, b: Totals) -> Totals {
            Totals(
                sent: a.sent + b.sent, delivered: a.delivered + b.delivered, read: a.read + b.read, clicked: a.clicked + b.clicked,
                replied: a.replied + b.replied, failed: a.failed + b.failed, converted: a.converted + b.converted
            )
        }
    }

    /// The buckets overlapping [from, to): a bucket b covers [b, b + 900), so b > from − 900 and b < to.
    static func bucketRange(from: Date, to: Date) -> (above: Int64, below: Int64) {
        let low = Int64((from.timeIntervalSince1970 - Double(Analytics.bucketSeconds)).rounded(.down))
        let high = Int64(to.timeIntervalSince1970.rounded(.up))
        return (low, high)
    }

    static func totals(workspaceID: UUID, from: Date, to: Date, in sql: any SQLDatabase) async throws -> [UUID: Totals] {
        let (above, below) = bucketRange(from: from, to: to)
        let rows = try await sql.raw(
            """
            SELECT campaign_id, CAST(SUM(sent) AS BIGINT) AS sent, CAST(SUM(delivered) AS BIGINT) AS delivered, CAST(SUM(read) AS BIGINT) AS read,
                CAST(SUM(clicked) AS BIGINT) AS clicked, CAST(SUM(replied) AS BIGINT) AS replied, CAST(SUM(failed) AS BIGINT) AS failed,
                CAST(SUM(converted) AS BIGINT) AS converted
            FROM analytics_cells WHERE workspace_id = \(bind: workspaceID) AND bucket > \(bind: above) AND bucket < \(bind: below)
            GROUP BY campaign_id
            """
        ).all()
        var result: [UUID: Totals] = [:]
        for row in rows {
            func n(_ column: String) throws -> Int64 { try row.decode(column: column, as: Int64?.self) ?? 0 }
            result[try row.decode(column: "campaign_id", as: UUID.self)] = Totals(
                sent: try n("sent"), delivered: try n("delivered"), read: try n("read"), clicked: try n("clicked"), replied: try n("replied"),
                failed: try n("failed"), converted: try n("converted")
            )
        }
        return result
    }

    /// Failures per error code in the workspace over the range.
    static func failures(workspaceID: UUID, from: Date, to: Date, in sql: any SQLDatabase) async throws -> [Int: Int64] {
        let (above, below) = bucketRange(from: from, to: to)
        let rows = try await sql.raw(
            """
            SELECT error_code, CAST(SUM(failed) AS BIGINT) AS failed FROM analytics_failures
            WHERE workspace_id = \(bind: workspaceID) AND bucket > \(bind: above) AND bucket < \(bind: below)
            GROUP BY error_code
            """
        ).all()
        var result: [Int: Int64] = [:]
        for row in rows { result[try row.decode(column: "error_code", as: Int.self)] = try row.decode(column: "failed", as: Int64?.self) ?? 0 }
        return result
    }

    /// Each budgeted campaign's budget and what it has cost so far in the budget's currency (other currencies are not
    /// converted here).
    static func budgets(workspaceID: UUID, in sql: any SQLDatabase) async throws -> [(campaignID: UUID, budget: Int64, currency: String, spent: Int64)] {
        try await sql.raw(
            """
            SELECT c.id, c.budget_micros, c.budget_currency,
                (SELECT CAST(COALESCE(SUM(m.cost_micros), 0) AS BIGINT) FROM analytics_money m
                 WHERE m.campaign_id = c.id AND m.currency = c.budget_currency) AS spent
            FROM campaigns c WHERE c.workspace_id = \(bind: workspaceID) AND c.budget_micros IS NOT NULL AND c.budget_currency IS NOT NULL
            """
        ).all().map {
            (
                try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "budget_micros", as: Int64.self),
                try $0.decode(column: "budget_currency", as: String.self), try $0.decode(column: "spent", as: Int64?.self) ?? 0
            )
        }
    }

    static func campaignNames(_ ids: some Sequence<UUID>, in sql: any SQLDatabase) async throws -> [UUID: String] {
        let list = Array(Set(ids))
        guard !list.isEmpty else { return [:] }
        var names: [UUID: String] = [:]
        for row in try await sql.select().column("id").column("name").from("campaigns").where("id", .in, list).all() {
            names[try row.decode(column: "id", as: UUID.self)] = try row.decode(column: "name", as: String.self)
        }
        return names
    }
}
