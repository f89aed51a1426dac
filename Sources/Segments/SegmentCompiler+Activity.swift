import Foundation
import SQLKit

extension SegmentCompiler {
    /// Purchase and engagement fields: correlated subqueries over the contact's orders and events.
    /// Orders count only when `paid`, so refunded and cancelled orders are left out.
    func activity(_ c: RuleCondition, _ field: SegmentField) -> SQLQueryString {
        let op = c.operator, value = c.value
        let paid: SQLQueryString = "o.workspace_id = \(bind: workspaceID) AND o.contact_id = c.id AND o.status = 'paid'"
        let orderWindow = window(c.window, column: "o.ordered_at")
        let orders: SQLQueryString = "FROM orders o WHERE \(paid)\(orderWindow)"
        let money = Double(currencyMinorUnits)
        switch field.source {
        case .totalSpend: return number("COALESCE((SELECT SUM(o.total_minor) \(orders)), 0)", op, value, scale: money)
        case .orderCount: return number("(SELECT COUNT(*) \(orders))", op, value)
        case .averageOrderValue: return number("(SELECT AVG(o.total_minor) \(orders))", op, value, scale: money)
        case .firstPurchase: return date("(SELECT MIN(o.ordered_at) FROM orders o WHERE \(paid))", op, value)
        case .lastPurchase: return date("(SELECT MAX(o.ordered_at) FROM orders o WHERE \(paid))", op, value)
        case .daysSinceLastPurchase: return daysSince("(SELECT MAX(o.ordered_at) FROM orders o WHERE \(paid))", op, value)
        case .productOrders:
            let product = UUID(uuidString: c.target ?? "") ?? UUID()
            return number(
                "(SELECT COUNT(DISTINCT o.id) FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE \(paid) AND l.product_id = \(bind: product)\(orderWindow))",
                op, value
            )
        case .categoryOrders:
            let category = UUID(uuidString: c.target ?? "") ?? UUID()
            return number(
                """
                (SELECT COUNT(DISTINCT o.id) FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id \
                WHERE \(paid) AND p.category_id = \(bind: category)\(orderWindow))
                """,
                op, value
            )
        case .eventCount(let type):
            var filter = events("e.type = \(bind: type)")
            if let campaign = c.target.flatMap(UUID.init(uuidString:)) { filter = filter + " AND e.campaign_id = \(bind: campaign)" }
            return number("(SELECT COUNT(*) FROM message_events e WHERE \(filter)\(window(c.window, column: "e.occurred_at")))", op, value)
        case .daysSinceLastEvent(let type):
            return daysSince("(SELECT MAX(e.occurred_at) FROM message_events e WHERE \(events("e.type = \(bind: type)")))", op, value)
        case .neverEngaged:
            let engaged: SQLQueryString = "EXISTS (SELECT 1 FROM message_events e WHERE \(events(Self.engagedTypes)))"
            return value == .bool(true) ? "NOT \(engaged)" : engaged
        case .engagementScore:
            let since = daysAgo(Double(FieldCatalog.engagementScoreDays))
            let points: SQLQueryString = """
                (SELECT COALESCE(SUM(CASE e.type WHEN 'read' THEN 10 WHEN 'clicked' THEN 20 ELSE 30 END), 0) \
                FROM message_events e WHERE \(events(Self.engagedTypes)) AND e.occurred_at >= \(bind: since))
                """
            return number(dialect.least(points, 100), op, value)
        default:
            return "1 = 0"
        }
    }

    static let engagedTypes: SQLQueryString = "e.type IN ('read', 'clicked', 'replied')"

    private func events(_ filter: SQLQueryString) -> SQLQueryString {
        "e.workspace_id = \(bind: workspaceID) AND e.contact_id = c.id AND \(filter)"
    }

    /// ` AND column >= …` for a period (empty for all time); absolute periods include both days.
    func window(_ window: RuleWindow?, column col: SQLQueryString) -> SQLQueryString {
        switch window {
        case nil: return ""
        case .lastDays(let days): return " AND \(col) >= \(bind: daysAgo(Double(days)))"
        case .between(let from, let to): return " AND \(col) >= \(bind: from.start(in: timeZone)) AND \(col) < \(bind: to.end(in: timeZone))"
        }
    }
}
