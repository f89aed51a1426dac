import Foundation
import Segments

/// Random contacts, orders and events of one workspace, kept in memory for the reference evaluator
/// and written to the database by ``World/insert(into:)``.
struct World: Sendable {
    struct Contact: Sendable {
        let id: UUID
        /// Nil for a contact known only by their WhatsApp user ID (BSUID).
        let phone: String?
        let country: String?, city: String?, language: String?
        let tags: [String]
        let attributes: [String: RuleValue]
        let consent: String
        let createdAt: Date
        var bsuid: String? = nil
        var username: String? = nil
    }
    struct Order: Sendable {
        let id: UUID, contactID: UUID
        let totalMinor: Int
        let status: String
        let orderedAt: Date
        let productIDs: [UUID]
    }
    struct Event: Sendable {
        let id: UUID, contactID: UUID, campaignID: UUID?
        let type: String
        let occurredAt: Date
    }

    let workspaceID = UUID()
    let now = Date(timeIntervalSince1970: 1_750_000_000)
    let timeZone = TimeZone(identifier: "America/New_York")!
    let categories = [UUID(), UUID()]
    let products: [(id: UUID, category: UUID?)]
    let campaigns = [UUID(), UUID()]
    var contacts: [Contact] = []
    var orders: [Order] = []
    var events: [Event] = []
    /// Saved segments other rules may reference.
    var segments: [UUID: RuleNode] = [:]

    static let attributes = [
        CustomAttribute(key: "vip", label: "VIP", kind: .boolean), CustomAttribute(key: "points", label: "Points", kind: .number),
        CustomAttribute(key: "birthday", label: "Birthday", kind: .date), CustomAttribute(key: "plan", label: "Plan", kind: .text),
        CustomAttribute(key: "interests", label: "Interests", kind: .list, options: ["shoes", "bags", "hats"]),
    ]
    static let countries = ["US", "DE", "BR", "gb"], cities = ["Berlin", "berlin", "Austin", "Porto", ""], languages = ["en", "pt_BR", "de"]
    static let tags = ["vip", "new", "churn_risk", "b2b"], plans = ["free", "Pro", "pro plus"], interests = ["shoes", "bags", "hats"]
    static let callingCodes = ["1", "44", "49", "55"], eventTypes = ["sent", "delivered", "read", "clicked", "replied", "failed"]

    init(seed: UInt64, contacts count: Int) {
        var rng = SplitMix64(seed: seed)
        // Identities come from a generator of their own, so the other data of a seed stays what it was.
        var identities = SplitMix64(seed: seed ^ 0x5EED_1D)
        products = [(UUID(), categories[0]), (UUID(), categories[0]), (UUID(), categories[1]), (UUID(), nil)]
        let now = self.now
        func ago(_ maxDays: Int) -> Date { now.addingTimeInterval(-Double(Int.random(in: 0...(maxDays * 86_400), using: &rng))) }
        for i in 0..<count {
            var attributes: [String: RuleValue] = [:]
            if rng.chance(0.6) { attributes["vip"] = .bool(rng.chance(0.5)) }
            if rng.chance(0.6) { attributes["points"] = .number(Double(Int.random(in: 0...200, using: &rng)) / (rng.chance(0.5) ? 1 : 2)) }
            if rng.chance(0.6) { attributes["birthday"] = .string(ago(3650).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))) }
            if rng.chance(0.6) { attributes["plan"] = rng.chance(0.1) ? .null : .string(rng.pick(Self.plans)) }
            if rng.chance(0.6) { attributes["interests"] = .array(rng.subset(Self.interests).map(RuleValue.string)) }
            let phone = "+\(rng.pick(Self.callingCodes))\(100_000 + i)"
            let phoneless = identities.chance(0.2)
            let contact = Contact(
                id: UUID(), phone: phoneless ? nil : phone, country: rng.chance(0.8) ? rng.pick(Self.countries) : nil,
                city: rng.chance(0.8) ? rng.pick(Self.cities) : nil, language: rng.chance(0.8) ? rng.pick(Self.languages) : nil,
                tags: rng.subset(Self.tags, p: 0.3), attributes: attributes, consent: rng.pick(["opted_in", "opted_out", "unknown"]),
                createdAt: ago(400), bsuid: phoneless || identities.chance(0.5) ? "US.\(1_000_000 + i)" : nil,
                username: identities.chance(0.35) ? "user.\(i)" : nil
            )
            contacts.append(contact)
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                orders.append(
                    Order(
                        id: UUID(), contactID: contact.id, totalMinor: Int.random(in: 0...80_000, using: &rng),
                        status: rng.pick(["paid", "paid", "paid", "refunded", "cancelled"]), orderedAt: ago(200),
                        productIDs: Array(Set((0..<Int.random(in: 1...2, using: &rng)).map { _ in rng.pick(products).id }))
                    )
                )
            }
            for _ in 0..<Int.random(in: 0...8, using: &rng) {
                events.append(
                    Event(
                        id: UUID(), contactID: contact.id, campaignID: rng.chance(0.8) ? rng.pick(campaigns) : nil,
                        type: rng.pick(Self.eventTypes), occurredAt: ago(120)
                    )
                )
            }
        }
    }

    var catalog: FieldCatalog { FieldCatalog(customAttributes: Self.attributes) }
}
