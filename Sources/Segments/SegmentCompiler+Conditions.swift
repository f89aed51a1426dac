import Foundation
import SQLKit

extension SegmentCompiler {
    /// The SQL of one positive condition; it may be NULL where the field has no value.
    func conditionSQL(_ c: RuleCondition, _ field: SegmentField) -> SQLQueryString {
        let op = c.operator, value = c.value
        switch field.source {
        case .column(let name): return text("c.\(ident: name)", op, value)
        case .phoneCallingCode:
            let codes = (value.array ?? [value]).compactMap(\.string).map(ValueCheck.callingCode)
            guard !codes.isEmpty else { return "1 = 0" }
            // A contact known only by their BSUID has no phone: false, not NULL, so a negation still includes them.
            return "(c.phone IS NOT NULL AND (" + codes.map { "c.phone LIKE \(bind: "+\($0)%")" }.joined(separator: " OR ") + "))"
        case .tags: return list("c.tags", op, value)
        case .createdAt: return date("c.created_at", op, value)
        case .consentStatus:
            let values = (value.array ?? [value]).compactMap(\.string)
            guard !values.isEmpty else { return "1 = 0" }
            return "c.consent_status IN (\(binds: values))"
        case .attribute(let key, let kind):
            switch kind {
            case .text: return text(dialect.attributeText(key), op, value)
            case .number: return number(dialect.attributeNumber(key), op, value)
            case .date: return date(dialect.attributeText(key), op, value, asText: true)
            case .list: return list(dialect.attributeArray(key), op, value)
            case .boolean:
                if op == .isSet { return "(\(dialect.attributeIs(key, true)) OR \(dialect.attributeIs(key, false)))" }
                return dialect.attributeIs(key, value == .bool(true))
            }
        // Purchase, engagement and segment fields are compiled by `compile(_:nesting:)`.
        default: return "1 = 0"
        }
    }

    /// Text compared ignoring case: both sides lower-cased (ASCII on SQLite).
    func text(_ expr: SQLQueryString, _ op: RuleOperator, _ value: RuleValue) -> SQLQueryString {
        let lower = (value.string ?? "").lowercased()
        switch op {
        case .equals: return "LOWER(\(expr)) = \(bind: lower)"
        case .in:
            let values = (value.array ?? []).compactMap { $0.string?.lowercased() }
            return values.isEmpty ? "1 = 0" : "LOWER(\(expr)) IN (\(binds: values))"
        case .contains: return "LOWER(\(expr)) LIKE \(bind: "%" + Self.likeEscaped(lower) + "%") ESCAPE '\\'"
        case .startsWith: return "LOWER(\(expr)) LIKE \(bind: Self.likeEscaped(lower) + "%") ESCAPE '\\'"
        default: return "(\(expr) IS NOT NULL AND \(expr) <> '')"
        }
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// A JSON array of strings: exact membership, or non-empty for `is_set`.
    func list(_ array: SQLQueryString, _ op: RuleOperator, _ value: RuleValue) -> SQLQueryString {
        op == .contains ? dialect.arrayContains(array, value.string ?? "") : "\(dialect.arrayLength(array)) > 0"
    }

    /// A number compared with bound doubles; `scale` turns major currency units into minor ones.
    func number(_ expr: SQLQueryString, _ op: RuleOperator, _ value: RuleValue, scale: Double = 1) -> SQLQueryString {
        let n = (value.number ?? 0) * scale
        switch op {
        case .equals: return "\(expr) = \(bind: n)"
        case .greaterThan: return "\(expr) > \(bind: n)"
        case .greaterThanOrEqual: return "\(expr) >= \(bind: n)"
        case .lessThan: return "\(expr) < \(bind: n)"
        case .lessThanOrEqual: return "\(expr) <= \(bind: n)"
        case .between:
            let bounds = (value.array ?? []).map { ($0.number ?? 0) * scale }
            return "(\(expr) >= \(bind: bounds.first ?? 0) AND \(expr) <= \(bind: bounds.last ?? 0))"
        default: return "\(expr) IS NOT NULL"
        }
    }

    /// An instant compared with day boundaries in the workspace's time zone or with `now` minus whole days.
    /// Date attributes are ISO 8601 text in UTC (`2024-05-01T09:30:00Z`), which sorts like the instant.
    func date(_ expr: SQLQueryString, _ op: RuleOperator, _ value: RuleValue, asText: Bool = false) -> SQLQueryString {
        func instant(_ date: Date) -> SQLQueryString {
            asText ? "\(bind: date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false)))" : "\(bind: date)"
        }
        // Validation guarantees the days; a value that is not one matches no contact rather than stopping the process.
        let day = value.string.flatMap(CalendarDay.init)
        let days = (value.array ?? []).compactMap { $0.string.flatMap(CalendarDay.init) }
        switch op {
        case .before:
            guard let day else { return "1 = 0" }
            return "\(expr) < \(instant(day.start(in: timeZone)))"
        case .after:
            guard let day else { return "1 = 0" }
            return "\(expr) >= \(instant(day.end(in: timeZone)))"
        case .between:
            guard days.count == 2 else { return "1 = 0" }
            return "(\(expr) >= \(instant(days[0].start(in: timeZone))) AND \(expr) < \(instant(days[1].end(in: timeZone))))"
        case .withinLastDays: return "\(expr) >= \(instant(daysAgo(value.number ?? 0)))"
        case .moreThanDaysAgo: return "\(expr) < \(instant(daysAgo(value.number ?? 0)))"
        default: return "\(expr) IS NOT NULL"
        }
    }

    /// Whole days elapsed since an instant, `floor((now - t) / 24h)`, compared without date arithmetic in SQL:
    /// "at least N days" is `t <= now - N days`.
    func daysSince(_ expr: SQLQueryString, _ op: RuleOperator, _ value: RuleValue) -> SQLQueryString {
        func atLeast(_ n: Double) -> SQLQueryString { "\(expr) <= \(bind: daysAgo(n))" }
        func atMost(_ n: Double) -> SQLQueryString { "\(expr) > \(bind: daysAgo(n + 1))" }
        let n = value.number ?? 0
        switch op {
        case .equals: return "(\(atLeast(n)) AND \(atMost(n)))"
        case .greaterThan: return atLeast(n + 1)
        case .greaterThanOrEqual: return atLeast(n)
        case .lessThan: return atMost(n - 1)
        case .lessThanOrEqual: return atMost(n)
        case .between:
            let bounds = (value.array ?? []).compactMap(\.number)
            return "(\(atLeast(bounds.first ?? 0)) AND \(atMost(bounds.last ?? 0)))"
        default: return "\(expr) IS NOT NULL"
        }
    }

    func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }
}
