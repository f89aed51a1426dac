import Analytics
import Foundation
import SQLKit
import Storage

extension AnalyticsStore {
    /// Three grouped sums over the rollup tables (counts, failures by code, money by currency) under one filter.
    static func cellTally(_ s: CellSelection, by grouping: TallyGrouping, in sql: any SQLDatabase) async throws -> [TallyKey: AnalyticsTally] {
        var dims: [String] = []
        if grouping.contains(.campaign) { dims.append("campaign_id") }
        if grouping.contains(.variation) { dims.append("variation_id") }
        if grouping.contains(.bucket) { dims.append("bucket") }
        var filter: SQLQueryString = "workspace_id = \(bind: s.workspaceID)"
        if let range = s.buckets { filter += " AND bucket >= \(bind: range.lowerBound) AND bucket < \(bind: range.upperBound)" }
        if !s.campaignIDs.isEmpty { filter += " AND campaign_id IN (\(binds: s.campaignIDs))" }
        if let v = s.variationID { filter += " AND variation_id = \(bind: v)" }
        if let c = s.country { filter += " AND country = \(bind: c)" }
        let select: SQLQueryString = dims.isEmpty ? "" : "\(idents: dims, joinedBy: ", "), "
        let group: SQLQueryString = dims.isEmpty ? "" : " GROUP BY \(idents: dims, joinedBy: ", ")"
        func key(_ row: any SQLRow) throws -> TallyKey {
            TallyKey(
                campaignID: grouping.contains(.campaign) ? try row.decode(column: "campaign_id", as: UUID.self) : nil,
                variationID: grouping.contains(.variation) ? try row.decode(column: "variation_id", as: UUID.self) : nil,
                bucket: grouping.contains(.bucket) ? try row.decode(column: "bucket", as: Int64.self) : nil
            )
        }
        func sum(_ column: String) -> SQLQueryString { "CAST(COALESCE(SUM(\(ident: column)), 0) AS BIGINT) AS \(ident: column)" }
        var result: [TallyKey: AnalyticsTally] = [:]
        let counters = ["sent", "delivered", "read", "clicked", "clicks", "replied", "replies", "failed", "converted", "orders"]
        for row in try await sql.raw(
            "SELECT \(select)\(counters.map(sum).joined(separator: ", ")), COUNT(*) AS cell_count FROM analytics_cells WHERE \(filter)\(group)"
        ).all() where try row.decode(column: "cell_count", as: Int64.self) > 0 {
            func n(_ c: String) throws -> Int64 { try row.decode(column: c, as: Int64.self) }
            result[try key(row), default: AnalyticsTally()].counts += MetricCounts(
                sent: try n("sent"), delivered: try n("delivered"), read: try n("read"), clicked: try n("clicked"), clicks: try n("clicks"),
                replied: try n("replied"), replies: try n("replies"), failed: try n("failed"), converted: try n("converted"), orders: try n("orders")
            )
        }
        for row in try await sql.raw(
            """
            SELECT \(select)error_code, \(sum("failed")) FROM analytics_failures
            WHERE \(filter) GROUP BY \(idents: dims + ["error_code"], joinedBy: ", ")
            """
        ).all() {
            result[try key(row), default: AnalyticsTally()].failures[try row.decode(column: "error_code", as: Int.self), default: 0] +=
                try row.decode(column: "failed", as: Int64.self)
        }
        for row in try await sql.raw(
            """
            SELECT \(select)currency, \(sum("cost_micros")), \(sum("revenue_minor")), \(sum("refunded_orders")), \(sum("refunded_minor"))
            FROM analytics_money WHERE \(filter) GROUP BY \(idents: dims + ["currency"], joinedBy: ", ")
            """
        ).all() {
            let k = try key(row), currency = try row.decode(column: "currency", as: String.self).uppercased()
            result[k, default: AnalyticsTally()].counts.refundedOrders += try row.decode(column: "refunded_orders", as: Int64.self)
            result[k, default: AnalyticsTally()].money[currency, default: MoneyTotals()] =
                result[k, default: AnalyticsTally()].money[currency, default: MoneyTotals()]
                + MoneyTotals(
                    costMicros: try row.decode(column: "cost_micros", as: Int64.self),
                    revenueMinor: try row.decode(column: "revenue_minor", as: Int64.self),
                    refundedMinor: try row.decode(column: "refunded_minor", as: Int64.self)
                )
        }
        return result
    }
}
