import Analytics
import Foundation
import SQLKit
import Storage

extension AnalyticsStore {
    /// The same sums as ``cellTally(_:by:in:)`` from message rows (never events) joined to the members of a segment now,
    /// or, grouped by segment, to the members of every saved segment (docs/design-analytics.md 5.4). Each message's
    /// milestone columns and counters are kept with its events, so both paths give the same numbers.
    static func messageTally(_ s: CellSelection, by grouping: TallyGrouping, dialect: Dialect, in sql: any SQLDatabase) async throws -> [TallyKey:
        AnalyticsTally]
    {
        var dims: [(expression: SQLQueryString, alias: String)] = []
        if grouping.contains(.campaign) { dims.append(("m.campaign_id", "campaign_id")) }
        if grouping.contains(.variation) { dims.append(("m.variation_id", "variation_id")) }
        if grouping.contains(.bucket) { dims.append((cohortBucket(dialect), "bucket")) }
        if grouping.contains(.segment) { dims.append(("sm.segment_id", "segment_id")) }
        let select = dims.isEmpty ? "" : dims.map { "\($0.expression) AS \(ident: $0.alias)" }.joined(separator: ", ") + ", "
        func group(_ extra: SQLQueryString...) -> SQLQueryString {
            let all = dims.map(\.expression) + extra
            return all.isEmpty ? "" : " GROUP BY " + all.joined(separator: ", ")
        }
        var join: SQLQueryString = ""
        if let segmentID = s.segmentID {
            join += " JOIN segment_members sm ON sm.contact_id = m.contact_id AND sm.segment_id = \(bind: segmentID)"
        } else if grouping.contains(.segment) {
            join += " JOIN segment_members sm ON sm.contact_id = m.contact_id AND sm.workspace_id = m.workspace_id"
        }
        var filter: SQLQueryString = "m.workspace_id = \(bind: s.workspaceID)"
        if let range = s.buckets {
            filter += " AND m.cohort_at >= \(bind: Date(timeIntervalSince1970: TimeInterval(range.lowerBound)))"
            filter += " AND m.cohort_at < \(bind: Date(timeIntervalSince1970: TimeInterval(range.upperBound)))"
        }
        if !s.campaignIDs.isEmpty { filter += " AND m.campaign_id IN (\(binds: s.campaignIDs))" }
        if let v = s.variationID {
            filter += v == CellKey.noVariation ? " AND m.variation_id IS NULL" : " AND m.variation_id = \(bind: v)"
        }
        if let c = s.country { filter += " AND COALESCE(m.country, '') = \(bind: c)" }

        func key(_ row: any SQLRow) throws -> TallyKey {
            TallyKey(
                campaignID: grouping.contains(.campaign) ? try row.decode(column: "campaign_id", as: UUID.self) : nil,
                variationID: grouping.contains(.variation) ? try row.decode(column: "variation_id", as: UUID?.self) ?? CellKey.noVariation : nil,
                bucket: grouping.contains(.bucket) ? try row.decode(column: "bucket", as: Int64.self) : nil,
                segmentID: grouping.contains(.segment) ? try row.decode(column: "segment_id", as: UUID.self) : nil
            )
        }
        func count(_ condition: SQLQueryString, _ alias: String) -> SQLQueryString {
            "CAST(COALESCE(SUM(CASE WHEN \(condition) THEN 1 ELSE 0 END), 0) AS BIGINT) AS \(ident: alias)"
        }
        func sum(_ expression: SQLQueryString, _ alias: String) -> SQLQueryString {
            "CAST(COALESCE(SUM(\(expression)), 0) AS BIGINT) AS \(ident: alias)"
        }
        var result: [TallyKey: AnalyticsTally] = [:]
        let counters: [SQLQueryString] = [
            count("m.sent_at IS NOT NULL", "sent"), count("m.delivered_at IS NOT NULL", "delivered"), count("m.read_at IS NOT NULL", "read"),
            count("m.click_count > 0", "clicked"), sum("m.click_count", "clicks"), count("m.reply_count > 0", "replied"),
            sum("m.reply_count", "replies"), count("m.failed_at IS NOT NULL", "failed"), count("m.conversion_count > 0", "converted"),
            sum("m.conversion_count", "orders"), "COUNT(*) AS messages",
        ]
        for row in try await sql.raw(
            "SELECT \(select)\(counters.joined(separator: ", ")) FROM messages m\(join) WHERE \(filter)\(group())"
        ).all() {
            func n(_ c: String) throws -> Int64 { try row.decode(column: c, as: Int64.self) }
            guard try n("messages") > 0 else { continue }
            var tally = AnalyticsTally()
            tally.messages = try n("messages")
            tally.counts = MetricCounts(
                sent: try n("sent"), delivered: try n("delivered"), read: try n("read"), clicked: try n("clicked"), clicks: try n("clicks"),
                replied: try n("replied"), replies: try n("replies"), failed: try n("failed"), converted: try n("converted"), orders: try n("orders")
            )
            result[try key(row), default: AnalyticsTally()].add(tally)
        }
        for row in try await sql.raw(
            """
            SELECT \(select)COALESCE(m.error_code, 0) AS error_code, COUNT(*) AS failed FROM messages m\(join)
            WHERE \(filter) AND m.failed_at IS NOT NULL\(group("COALESCE(m.error_code, 0)"))
            """
        ).all() {
            result[try key(row), default: AnalyticsTally()].failures[try row.decode(column: "error_code", as: Int.self), default: 0] +=
                try row.decode(column: "failed", as: Int64.self)
        }
        func addMoney(_ row: any SQLRow, _ money: MoneyTotals, refundedOrders: Int64 = 0) throws {
            let k = try key(row), currency = try row.decode(column: "currency", as: String.self).uppercased()
            result[k, default: AnalyticsTally()].counts.refundedOrders += refundedOrders
            result[k, default: AnalyticsTally()].money[currency] =
                result[k, default: AnalyticsTally()].money[currency, default: MoneyTotals()] + money
        }
        for row in try await sql.raw(
            """
            SELECT \(select)COALESCE(m.cost_currency, 'USD') AS currency, \(sum("m.cost_micros", "cost_micros")) FROM messages m\(join)
            WHERE \(filter) AND m.cost_micros IS NOT NULL\(group("COALESCE(m.cost_currency, 'USD')"))
            """
        ).all() {
            try addMoney(row, MoneyTotals(costMicros: try row.decode(column: "cost_micros", as: Int64.self)))
        }
        for row in try await sql.raw(
            """
            SELECT \(select)c.currency AS currency, \(sum("CASE WHEN c.reversed_at IS NULL THEN c.amount_minor ELSE 0 END", "revenue_minor")),
                \(count("c.reversed_at IS NOT NULL", "refunded_orders")),
                \(sum("CASE WHEN c.reversed_at IS NULL THEN 0 ELSE c.amount_minor END", "refunded_minor"))
            FROM conversions c JOIN messages m ON m.id = c.message_id\(join) WHERE \(filter)\(group("c.currency"))
            """
        ).all() {
            try addMoney(
                row,
                MoneyTotals(
                    revenueMinor: try row.decode(column: "revenue_minor", as: Int64.self),
                    refundedMinor: try row.decode(column: "refunded_minor", as: Int64.self)),
                refundedOrders: try row.decode(column: "refunded_orders", as: Int64.self)
            )
        }
        return result
    }

    /// The quarter hour (Unix seconds) of a message's cohort, as the cells' `bucket`. SQLite's CAST truncates toward zero,
    /// which is the floor for every instant after 1970 (the bundled SQLite has no `floor`).
    static func cohortBucket(_ dialect: Dialect) -> SQLQueryString {
        dialect.kind == .postgres
            ? "(CAST(floor(extract(epoch FROM m.cohort_at) / 900) AS BIGINT) * 900)"
            : "(CAST(m.cohort_at / 900 AS INTEGER) * 900)"
    }
}
