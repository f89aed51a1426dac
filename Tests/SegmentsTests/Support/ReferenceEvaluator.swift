import Foundation
import Segments

/// The meaning of rules, written plainly over the in-memory ``World``: what the SQL engine must agree with.
struct ReferenceEvaluator {
    let world: World
    let catalog: FieldCatalog

    func members(_ rules: RuleNode) -> Set<UUID> {
        Set(world.contacts.filter { matches(rules, $0) }.map(\.id))
    }

    func matches(_ node: RuleNode, _ c: World.Contact) -> Bool {
        switch node {
        case .group(let group):
            let results = group.children.lazy.map { matches($0, c) }
            let value = group.combinator == .and ? results.allSatisfy { $0 } : results.contains(true)
            return group.not ? !value : value
        case .condition(let condition):
            let negated: [RuleOperator: RuleOperator] = [.notEquals: .equals, .notIn: .in, .notContains: .contains, .isNotSet: .isSet, .notInSegment: .inSegment]
            if let positive = negated[condition.operator] {
                var flipped = condition
                flipped.operator = positive
                return !matches(.condition(flipped), c)
            }
            return test(condition, c)
        }
    }

    private func test(_ k: RuleCondition, _ c: World.Contact) -> Bool {
        let op = k.operator, v = k.value
        switch k.field {
        case "contact.phone_country_code":
            guard let phone = c.phone else { return false }
            return strings(v).contains { phone.hasPrefix("+" + ($0.hasPrefix("+") ? String($0.dropFirst()) : $0)) }
        case "contact.username": return text(c.username, op, v)
        case "contact.country": return text(c.country, op, v)
        case "contact.city": return text(c.city, op, v)
        case "contact.language": return text(c.language, op, v)
        case "contact.tags": return op == .isSet ? !c.tags.isEmpty : c.tags.contains(v.stringValue)
        case "contact.created_at": return date(c.createdAt, op, v)
        case "contact.consent_status": return strings(v).contains(c.consent)
        case "attributes.plan": return text(c.attributes["plan"]?.stringOrNil, op, v)
        case "attributes.points": return number(c.attributes["points"]?.numberOrNil, op, v)
        case "attributes.birthday":
            return date(c.attributes["birthday"]?.stringOrNil.flatMap { try? Date($0, strategy: .iso8601) }, op, v)
        case "attributes.vip":
            guard case .bool(let flag)? = c.attributes["vip"] else { return false }
            return op == .isSet || flag == (v == .bool(true))
        case "attributes.interests":
            guard case .array(let items)? = c.attributes["interests"] else { return false }
            return op == .isSet ? !items.isEmpty : items.contains(v)
        case "segment": return matches(world.segments[UUID(uuidString: v.stringValue)!]!, c)
        default: return activity(k, c)
        }
    }

    func strings(_ v: RuleValue) -> [String] {
        if case .array(let items) = v { return items.map(\.stringValue) }
        return [v.stringValue]
    }

    func text(_ s: String?, _ op: RuleOperator, _ v: RuleValue) -> Bool {
        guard let s = s?.lowercased() else { return false }
        switch op {
        case .equals: return s == v.stringValue.lowercased()
        case .in: return strings(v).map { $0.lowercased() }.contains(s)
        case .contains: return s.contains(v.stringValue.lowercased())
        case .startsWith: return s.hasPrefix(v.stringValue.lowercased())
        default: return !s.isEmpty
        }
    }

    func number(_ n: Double?, _ op: RuleOperator, _ v: RuleValue, scale: Double = 1) -> Bool {
        guard let n else { return false }
        let x = (v.numberOrNil ?? 0) * scale
        switch op {
        case .equals: return n == x
        case .greaterThan: return n > x
        case .greaterThanOrEqual: return n >= x
        case .lessThan: return n < x
        case .lessThanOrEqual: return n <= x
        case .between:
            guard case .array(let b) = v else { return false }
            return n >= b[0].numberOrNil! * scale && n <= b[1].numberOrNil! * scale
        default: return true
        }
    }

    func date(_ t: Date?, _ op: RuleOperator, _ v: RuleValue) -> Bool {
        guard let t else { return false }
        let tz = world.timeZone
        switch op {
        case .before: return t < CalendarDay(v.stringValue)!.start(in: tz)
        case .after: return t >= CalendarDay(v.stringValue)!.end(in: tz)
        case .between:
            guard case .array(let b) = v else { return false }
            return t >= CalendarDay(b[0].stringValue)!.start(in: tz) && t < CalendarDay(b[1].stringValue)!.end(in: tz)
        case .withinLastDays: return t >= world.now.addingTimeInterval(-v.numberOrNil! * 86_400)
        case .moreThanDaysAgo: return t < world.now.addingTimeInterval(-v.numberOrNil! * 86_400)
        default: return true
        }
    }

    /// Whole days since `t`, compared as a number.
    func daysSince(_ t: Date?, _ op: RuleOperator, _ v: RuleValue) -> Bool {
        number(t.map { (world.now.timeIntervalSince($0) / 86_400).rounded(.down) }, op, v)
    }
}

extension RuleValue {
    var stringValue: String { if case .string(let s) = self { s } else { "" } }
    var stringOrNil: String? { if case .string(let s) = self { s } else { nil } }
    var numberOrNil: Double? { if case .number(let n) = self { n } else { nil } }
}
