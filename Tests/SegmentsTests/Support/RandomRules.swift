import Foundation
import Segments

/// Random valid rule trees over the ``World``'s catalog, values drawn near the generated data.
struct RandomRules {
    let world: World
    let catalog: FieldCatalog
    var rng: SplitMix64
    var allowSegments = true

    mutating func tree(maxDepth: Int = 4) -> RuleNode {
        .group(group(depth: 1, maxDepth: maxDepth))
    }

    private mutating func group(depth: Int, maxDepth: Int) -> RuleGroup {
        let children = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
            depth < maxDepth && rng.chance(0.3) ? RuleNode.group(group(depth: depth + 1, maxDepth: maxDepth)) : .condition(condition())
        }
        return RuleGroup(rng.chance(0.5) ? .and : .or, not: rng.chance(0.2), children)
    }

    mutating func condition() -> RuleCondition {
        let fields = catalog.fields.filter { allowSegments ? ($0.id != "segment" || !world.segments.isEmpty) : $0.id != "segment" }
        let field = rng.pick(fields)
        let op = rng.pick(field.operators)
        var condition = RuleCondition(field.id, op, value(field, op))
        if field.acceptsWindow && rng.chance(0.5) {
            condition.window = rng.chance(0.6) ? .lastDays(rng.pick([7, 30, 60, 90, 365])) : {
                let days = [day(), day()].sorted()
                return .between(from: days[0], to: days[1])
            }()
        }
        switch field.target {
        case .product: condition.target = rng.pick(world.products).id.uuidString
        case .category: condition.target = rng.pick(world.categories).uuidString
        case .campaign: condition.target = rng.chance(0.5) ? rng.pick(world.campaigns).uuidString : nil
        case nil: break
        }
        return condition
    }

    private mutating func value(_ field: SegmentField, _ op: RuleOperator) -> RuleValue {
        switch op {
        case .isSet, .isNotSet: return .null
        case .withinLastDays, .moreThanDaysAgo: return .number(Double(Int.random(in: 0...200, using: &rng)))
        case .between:
            let pair = [single(field), single(field)]
            if let a = pair[0].numberOrNil, let b = pair[1].numberOrNil { return .array([.number(min(a, b)), .number(max(a, b))]) }
            return .array(pair.sorted { $0.stringValue < $1.stringValue })
        case .in, .notIn: return .array((0..<Int.random(in: 1...3, using: &rng)).map { _ in single(field) })
        default: return single(field)
        }
    }

    private mutating func single(_ field: SegmentField) -> RuleValue {
        switch field.valueKind {
        case .text:
            let pools: [String: [String]] = [
                "contact.country": World.countries + ["us", "FR"], "contact.city": ["Berlin", "ber", "AUS", "porto", "x_y", "50%"],
                "contact.language": ["en", "pt", "pt_br", "de"], "attributes.plan": World.plans + ["pro", "PRO"], "contact.tags": World.tags + ["VIP"],
            ]
            return .string(rng.pick(pools[field.id] ?? ["x"]))
        case .number: return .number(rng.pick(field.id == "engagement.score" ? [0, 10, 20, 30, 50, 100] : [0, 10, 50, 100, 12.5, 99.5]))
        case .count: return .number(Double(Int.random(in: 0...(field.id.contains("days_since") ? 150 : 4), using: &rng)))
        case .money: return .number(rng.pick([0, 50, 100, 250, 400, 799.99]))
        case .date: return .string(day().description)
        case .boolean: return .bool(rng.chance(0.5))
        case .choice: return .string(rng.pick(field.options))
        case .callingCode: return .string(rng.pick(World.callingCodes + ["+44", "7"]))
        case .segmentID: return .string(rng.pick(Array(world.segments.keys).sorted { $0.uuidString < $1.uuidString }).uuidString)
        }
    }

    /// A calendar day within the data's range, as the workspace's calendar names it.
    private mutating func day() -> CalendarDay {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = world.timeZone
        let date = world.now.addingTimeInterval(-Double(Int.random(in: 0...(400 * 86_400), using: &rng)))
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return CalendarDay(String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!))!
    }
}
