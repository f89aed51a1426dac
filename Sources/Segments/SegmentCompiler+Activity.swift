import Foundation
import SQLKit

/// One aggregate over a contact's orders or events, and the test a rule applies to it.
///
/// It compiles in one of two equivalent forms (``SegmentDialect/groupsActivity`` and
/// ``SegmentCompiler/isBounded(_:_:)`` pick):
/// - per contact, a correlated scalar subquery: `(SELECT SUM(o.total_minor) FROM orders o WHERE … AND o.contact_id = c.id) > 500`;
/// - as a set, `EXISTS` over the contacts whose group passes the test:
///   `EXISTS (SELECT 1 FROM (SELECT o.contact_id … GROUP BY o.contact_id HAVING SUM(o.total_minor) > 500) s WHERE s.contact_id = c.id)`.
///   A contact without rows is in no group, so when the test holds for the empty value (`order count < 3`)
///   the set form selects the contacts whose group fails it and negates: `NOT EXISTS (… HAVING NOT (…))`.
struct ActivityAggregate {
    /// The aggregate, e.g. `COALESCE(SUM(o.total_minor), 0)`.
    let value: SQLQueryString
    /// `FROM … WHERE …` over the workspace's rows, without the contact filter.
    let rows: SQLQueryString
    /// The contact column of `rows`, e.g. `o.contact_id`.
    let contact: SQLQueryString
    /// The rule's test of `value`.
    let test: (SQLQueryString) -> SQLQueryString
    /// Whether the test holds for a contact without rows (false where the aggregate is then NULL: AVG, MIN, MAX).
    let holdsWhenEmpty: Bool

    var perContact: SQLQueryString { test("(SELECT \(value) \(rows) AND \(contact) = c.id)") }

    /// The set form; `negated` gives the exact opposite (for `neq`, `not_in`, … and `not` groups).
    func asSet(negated: Bool) -> SQLQueryString {
        let having = holdsWhenEmpty ? "NOT (\(test(value)))" : test(value)
        let members: SQLQueryString =
            "EXISTS (SELECT 1 FROM (SELECT \(contact) AS contact_id \(rows) GROUP BY \(contact) HAVING \(having)) s WHERE s.contact_id = c.id)"
        return holdsWhenEmpty != negated ? "NOT \(members)" : members
    }
}

extension SegmentCompiler {
    /// Purchase and engagement fields over the contact's orders and events.
    /// Orders count only when `paid`, so refunded and cancelled orders are left out.
    func activity(_ c: RuleCondition, _ field: SegmentField, negated: Bool = false) -> SQLQueryString {
        if case .neverEngaged = field.source {
            // Already an EXISTS over the contact's events: both engines plan it well.
            let engaged: SQLQueryString = "EXISTS (SELECT 1 FROM message_events e WHERE \(events(Self.engagedTypes)) AND e.contact_id = c.id)"
            return (c.value == .bool(true)) != negated ? "NOT \(engaged)" : engaged
        }
        guard let aggregate = aggregate(c, field) else { return negated ? "1 = 1" : "1 = 0" }
        if dialect.groupsActivity && Self.isBounded(c, field) { return aggregate.asSet(negated: negated) }
        let perContact: SQLQueryString = "COALESCE(\(aggregate.perContact), FALSE)"
        return negated ? "NOT \(perContact)" : perContact
    }

    func aggregate(_ c: RuleCondition, _ field: SegmentField) -> ActivityAggregate? {
        let op = c.operator, value = c.value
        let paid: SQLQueryString = "o.workspace_id = \(bind: workspaceID) AND o.status = 'paid'"
        let orderWindow = window(c.window, column: "o.ordered_at")
        let orders: SQLQueryString = "FROM orders o WHERE \(paid)\(orderWindow)"
        let money = Double(currencyMinorUnits)
        func counted(_ expr: SQLQueryString, _ rows: SQLQueryString, _ contact: SQLQueryString = "o.contact_id", scale: Double = 1)
            -> ActivityAggregate
        {
            ActivityAggregate(
                value: expr, rows: rows, contact: contact, test: { self.number($0, op, value, scale: scale) },
                holdsWhenEmpty: Self.numberTest(op, value, holdsFor: 0, scale: scale)
            )
        }
        func latest(_ expr: SQLQueryString, _ rows: SQLQueryString, _ contact: SQLQueryString, _ test: @escaping (SQLQueryString) -> SQLQueryString)
            -> ActivityAggregate
        {
            ActivityAggregate(value: expr, rows: rows, contact: contact, test: test, holdsWhenEmpty: false)
        }
        let allOrders: SQLQueryString = "FROM orders o WHERE \(paid)"
        switch field.source {
        case .totalSpend: return counted("COALESCE(SUM(o.total_minor), 0)", orders, scale: money)
        case .orderCount: return counted("COUNT(*)", orders)
        case .averageOrderValue:
            return latest("AVG(o.total_minor)", orders, "o.contact_id") { self.number($0, op, value, scale: money) }
        case .firstPurchase: return latest("MIN(o.ordered_at)", allOrders, "o.contact_id") { self.date($0, op, value) }
        case .lastPurchase: return latest("MAX(o.ordered_at)", allOrders, "o.contact_id") { self.date($0, op, value) }
        case .daysSinceLastPurchase: return latest("MAX(o.ordered_at)", allOrders, "o.contact_id") { self.daysSince($0, op, value) }
        // Orders with at least one line of the product or category: EXISTS counts each order once without DISTINCT.
        case .productOrders:
            let product = UUID(uuidString: c.target ?? "") ?? UUID()
            let line: SQLQueryString = "EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.product_id = \(bind: product))"
            return counted("COUNT(*)", "FROM orders o WHERE \(paid)\(orderWindow) AND \(line)")
        case .categoryOrders:
            let category = UUID(uuidString: c.target ?? "") ?? UUID()
            let line: SQLQueryString = """
                EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.id = l.product_id \
                WHERE l.order_id = o.id AND p.category_id = \(bind: category))
                """
            return counted("COUNT(*)", "FROM orders o WHERE \(paid)\(orderWindow) AND \(line)")
        case .eventCount(let type):
            var filter = events("e.type = \(bind: type)")
            if let campaign = c.target.flatMap(UUID.init(uuidString:)) { filter = filter + " AND e.campaign_id = \(bind: campaign)" }
            return counted("COUNT(*)", "FROM message_events e WHERE \(filter)\(window(c.window, column: "e.occurred_at"))", "e.contact_id")
        case .daysSinceLastEvent(let type):
            return latest("MAX(e.occurred_at)", "FROM message_events e WHERE \(events("e.type = \(bind: type)"))", "e.contact_id") {
                self.daysSince($0, op, value)
            }
        case .engagementScore:
            let since = daysAgo(Double(FieldCatalog.engagementScoreDays))
            let points: SQLQueryString = "COALESCE(SUM(CASE e.type WHEN 'read' THEN 10 WHEN 'clicked' THEN 20 ELSE 30 END), 0)"
            return counted(
                dialect.least(points, 100), "FROM message_events e WHERE \(events(Self.engagedTypes)) AND e.occurred_at >= \(bind: since)",
                "e.contact_id"
            )
        default:
            return nil
        }
    }

    /// Whether a period, a product, a category or a campaign bounds the rows a condition reads (the engagement
    /// score counts 90 days). Only then is the set form cheaper: an all-time aggregate over every order or event
    /// of the workspace costs more as one grouped scan than as an index probe per contact.
    static func isBounded(_ c: RuleCondition, _ field: SegmentField) -> Bool {
        switch field.source {
        case .productOrders, .categoryOrders, .engagementScore: true
        case .eventCount: c.window != nil || c.target != nil
        default: c.window != nil
        }
    }

    static let engagedTypes: SQLQueryString = "e.type IN ('read', 'clicked', 'replied')"

    private func events(_ filter: SQLQueryString) -> SQLQueryString {
        "e.workspace_id = \(bind: workspaceID) AND \(filter)"
    }

    /// Whether ``number(_:_:_:scale:)``'s test holds for `x` (the value of a contact without rows).
    static func numberTest(_ op: RuleOperator, _ value: RuleValue, holdsFor x: Double, scale: Double = 1) -> Bool {
        let n = (value.number ?? 0) * scale
        switch op {
        case .equals: return x == n
        case .greaterThan: return x > n
        case .greaterThanOrEqual: return x >= n
        case .lessThan: return x < n
        case .lessThanOrEqual: return x <= n
        case .between:
            let bounds = (value.array ?? []).map { ($0.number ?? 0) * scale }
            return x >= (bounds.first ?? 0) && x <= (bounds.last ?? 0)
        default: return true
        }
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

extension FieldSource {
    /// Purchase and engagement fields: aggregates over the contact's orders or events.
    var isActivity: Bool {
        switch self {
        case .totalSpend, .orderCount, .averageOrderValue, .firstPurchase, .lastPurchase, .daysSinceLastPurchase, .productOrders,
            .categoryOrders, .eventCount, .daysSinceLastEvent, .neverEngaged, .engagementScore:
            true
        case .column, .phoneCallingCode, .tags, .createdAt, .consentStatus, .attribute, .segment: false
        }
    }
}
