import Foundation
import Segments
import Storage
import Testing

/// Contacts known only by their WhatsApp user ID (BSUID) have no phone number, and some contacts have a username.
@Suite("Segments over contacts without a phone number")
struct PhonelessContactTests {
    struct People {
        var world = World(seed: 3, contacts: 0)
        var british: UUID { world.contacts[0].id }
        var usernameOnly: UUID { world.contacts[1].id }
        var german: UUID { world.contacts[2].id }

        init() {
            let createdAt = world.now.addingTimeInterval(-30 * 86_400)
            let identities: [(phone: String?, bsuid: String?, username: String?)] = [
                ("+447700900123", nil, nil), (nil, "GB.13491208655302741918", "ana.b"), ("+4915112345678", "DE.884422", "bo"),
            ]
            world.contacts = identities.map {
                World.Contact(
                    id: UUID(), phone: $0.phone, country: nil, city: nil, language: nil, tags: [], attributes: [:], consent: "opted_in",
                    createdAt: createdAt, bsuid: $0.bsuid, username: $0.username
                )
            }
        }
    }

    @Test("calling code conditions are false without a phone, so their negations include phone-less contacts", arguments: Engine.available)
    func callingCode(engine: Engine) async throws {
        let people = People()
        try await Self.check(engine, people, [
            (.when("contact.phone_country_code", .equals, "44"), [people.british]),
            (.when("contact.phone_country_code", .notEquals, "44"), [people.usernameOnly, people.german]),
            (.when("contact.phone_country_code", .notIn, ["44", "49"]), [people.usernameOnly]),
            (.group(RuleGroup(.and, not: true, [.when("contact.phone_country_code", .in, ["44"])])), [people.usernameOnly, people.german]),
            (
                .group(RuleGroup(.or, not: true, [.when("contact.phone_country_code", .equals, "49"), .when("contact.username", .isSet, nil)])),
                [people.british]
            ),
        ])
    }

    @Test("a WhatsApp username is set or not set", arguments: Engine.available)
    func username(engine: Engine) async throws {
        let people = People()
        try await Self.check(engine, people, [
            (.when("contact.username", .isSet, nil), [people.usernameOnly, people.german]),
            (.when("contact.username", .isNotSet, nil), [people.british]),
        ])
    }

    /// Each rule selects exactly `members` in SQL (count, pages and single contacts) and in the reference evaluator.
    static func check(_ engine: Engine, _ people: People, _ cases: [(RuleNode, Set<UUID>)]) async throws {
        let world = people.world
        try await TestDatabase.with(engine) { database in
            try await world.insert(into: database)
            let catalog = try await FieldCatalog.load(database, workspaceID: world.workspaceID)
            let reference = ReferenceEvaluator(world: world, catalog: catalog)
            for (rules, members) in cases {
                let json = String(decoding: try JSONEncoder().encode(rules), as: UTF8.self)
                let evaluator = try SQLSegmentEvaluator(
                    database: database, workspaceID: world.workspaceID, rules: rules, catalog: catalog, now: world.now, timeZone: world.timeZone
                )
                #expect(reference.members(rules) == members, "reference: \(json)")
                #expect(try await evaluator.count() == members.count, "\(json)")
                #expect(Set(try await evaluator.page(after: nil, limit: 10)) == members, "\(json)")
                for contact in world.contacts {
                    #expect(try await evaluator.contains(contactID: contact.id) == members.contains(contact.id), "\(json)")
                }
            }
        }
    }
}
