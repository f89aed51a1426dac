import Foundation
import Segments

/// Random rule trees over `herald seed` data for `herald bench segments --random-trees N`: the same seed gives the
/// same trees. Leaves are drawn from every kind the engines handle differently (contact columns, tags, calling
/// codes, windowed and all-time purchases, categories, engagement counts, recency and score), combined in AND, OR and
/// NOT groups up to three levels deep.
struct BenchRandomTrees {
    private var state: UInt64
    let categories: [UUID]

    init(seed: UInt64, categories: [UUID]) {
        self.state = seed &+ 0x9E37_79B9_7F4A_7C15
        self.categories = categories.sorted { $0.uuidString < $1.uuidString }
    }

    /// SplitMix64.
    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    private mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
    private mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }

    mutating func tree(depth: Int = 0) -> RuleNode {
        if depth >= 2 || (depth > 0 && chance(0.45)) { return leaf() }
        let children = (0..<int(2...3)).map { _ in tree(depth: depth + 1) }
        return .group(RuleGroup(chance(0.5) ? .and : .or, not: depth > 0 && chance(0.2), children))
    }

    private mutating func window() -> RuleWindow? { chance(0.6) ? .lastDays(pick([7, 30, 60, 90, 180])) : nil }

    mutating func leaf() -> RuleNode {
        switch int(0...13) {
        case 0:
            let countries = ["US", "CA", "GB", "DE", "FR", "BR", "IN", "MX", "ES", "IT"]
            return chance(0.5)
                ? .when("contact.country", .equals, .string(pick(countries)))
                : .when("contact.country", chance(0.7) ? .in : .notIn, .array([.string(pick(countries)), .string(pick(countries))]))
        case 1: return .when("contact.tags", chance(0.8) ? .contains : .notContains, .string(pick(["newsletter", "returning", "promo-2026", "app-user", "wholesale", "vip"])))
        case 2: return .when("contact.consent_status", .equals, .string(pick(["opted_in", "opted_out", "unknown"])))
        case 3: return .when("contact.created_at", chance(0.5) ? .withinLastDays : .moreThanDaysAgo, .number(Double(pick([30, 90, 180, 365]))))
        case 4: return .when("contact.phone_country_code", .in, .array([.string(pick(["1", "44", "49", "55", "33"])), .string(pick(["91", "52", "34"]))]))
        case 5: return .when("purchases.total_spend", chance(0.7) ? .greaterThan : .lessThan, .number(Double(pick([50, 100, 250, 500, 1000]))), window: window())
        case 6: return .when("purchases.order_count", chance(0.7) ? .greaterThanOrEqual : .equals, .number(Double(int(0...4))), window: window())
        case 7: return .when("purchases.average_order_value", .greaterThan, .number(Double(pick([40, 80, 150]))), window: window())
        case 8: return .when("purchases.days_since_last_purchase", chance(0.5) ? .greaterThan : .lessThan, .number(Double(pick([14, 30, 90, 180]))))
        case 9:
            guard let category = categories.isEmpty ? nil : pick(categories) else { return leaf() }
            return .when("purchases.category", .greaterThanOrEqual, .number(Double(int(1...2))), window: window(), target: category.uuidString.lowercased())
        case 10: return .when(pick(["engagement.read", "engagement.clicked", "engagement.replied", "engagement.delivered"]), .greaterThanOrEqual, .number(Double(int(1...3))), window: window())
        case 11: return .when(pick(["engagement.days_since_last_read", "engagement.days_since_last_click", "engagement.days_since_last_reply"]), chance(0.5) ? .lessThan : .greaterThan, .number(Double(pick([7, 30, 90]))))
        case 12: return .when("engagement.never_engaged", .equals, .bool(chance(0.5)))
        default: return .when("engagement.score", .greaterThanOrEqual, .number(Double(pick([10, 30, 50, 80]))))
        }
    }
}
