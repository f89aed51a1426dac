import Foundation
import Segments

extension ReferenceEvaluator {
    func inWindow(_ t: Date, _ window: RuleWindow?) -> Bool {
        switch window {
        case nil: true
        case .lastDays(let days): t >= world.now.addingTimeInterval(-Double(days) * 86_400)
        case .between(let from, let to): t >= from.start(in: world.timeZone) && t < to.end(in: world.timeZone)
        }
    }

    func activity(_ k: RuleCondition, _ c: World.Contact) -> Bool {
        let op = k.operator, v = k.value
        let paid = world.orders.filter { $0.contactID == c.id && $0.status == "paid" }
        let windowed = paid.filter { inWindow($0.orderedAt, k.window) }
        let events = world.events.filter { $0.contactID == c.id }
        let engaged = events.filter { ["read", "clicked", "replied"].contains($0.type) }
        let target = k.target.flatMap(UUID.init(uuidString:))
        switch k.field {
        case "purchases.total_spend": return number(Double(windowed.map(\.totalMinor).reduce(0, +)), op, v, scale: 100)
        case "purchases.order_count": return number(Double(windowed.count), op, v)
        case "purchases.average_order_value":
            return number(windowed.isEmpty ? nil : Double(windowed.map(\.totalMinor).reduce(0, +)) / Double(windowed.count), op, v, scale: 100)
        case "purchases.first_purchase_at": return date(paid.map(\.orderedAt).min(), op, v)
        case "purchases.last_purchase_at": return date(paid.map(\.orderedAt).max(), op, v)
        case "purchases.days_since_last_purchase": return daysSince(paid.map(\.orderedAt).max(), op, v)
        case "purchases.product": return number(Double(windowed.filter { $0.productIDs.contains(target!) }.count), op, v)
        case "purchases.category":
            let inCategory = Set(world.products.filter { $0.category == target }.map(\.id))
            return number(Double(windowed.filter { !inCategory.isDisjoint(with: $0.productIDs) }.count), op, v)
        case "engagement.never_engaged": return engaged.isEmpty == (v == .bool(true))
        case "engagement.score":
            let since = world.now.addingTimeInterval(-Double(FieldCatalog.engagementScoreDays) * 86_400)
            let points = engaged.filter { $0.occurredAt >= since }.map { ["read": 10, "clicked": 20, "replied": 30][$0.type]! }.reduce(0, +)
            return number(Double(min(points, 100)), op, v)
        default: break
        }
        let suffix = k.field.replacingOccurrences(of: "engagement.", with: "")
        if suffix.hasPrefix("days_since_last_") {
            let type = ["read": "read", "click": "clicked", "reply": "replied"][String(suffix.dropFirst("days_since_last_".count))]!
            return daysSince(events.filter { $0.type == type }.map(\.occurredAt).max(), op, v)
        }
        let count = events.filter { $0.type == suffix && (target == nil || $0.campaignID == target) && inWindow($0.occurredAt, k.window) }.count
        return number(Double(count), op, v)
    }
}
