import Foundation
import Segments
import Testing

@Suite("The field catalog")
struct FieldCatalogTests {
    @Test("it lists every field of the segmentation issue")
    func everyField() {
        let catalog = FieldCatalog()
        let expected = [
            "contact.phone_country_code", "contact.username", "contact.country", "contact.city", "contact.language", "contact.tags",
            "contact.created_at", "contact.consent_status", "purchases.total_spend", "purchases.order_count", "purchases.average_order_value",
            "purchases.first_purchase_at", "purchases.last_purchase_at", "purchases.days_since_last_purchase", "purchases.product",
            "purchases.category", "engagement.sent", "engagement.delivered", "engagement.read", "engagement.clicked", "engagement.replied",
            "engagement.days_since_last_read", "engagement.days_since_last_click", "engagement.days_since_last_reply",
            "engagement.never_engaged", "engagement.score", "segment",
        ]
        #expect(catalog.fields.map(\.id) == expected)
        #expect(catalog.fields.allSatisfy { !$0.help.isEmpty && !$0.operators.isEmpty })
        #expect(catalog.field("purchases.total_spend")?.acceptsWindow == true)
        #expect(catalog.field("engagement.read")?.target == .campaign)
    }

    @Test("a WhatsApp username can only be tested for being set or not set")
    func username() throws {
        let field = try #require(FieldCatalog().field("contact.username"))
        #expect(field.label == "WhatsApp username")
        #expect(field.group == "contact")
        #expect(field.operators == [.isSet, .isNotSet])
        let named = RuleValidator(catalog: FieldCatalog()).validate(.when("contact.username", .equals, "ana"))
        #expect(named.map(\.code) == [.operatorNotAllowed])
    }

    @Test("custom attributes become fields with the operators of their declared type")
    func customAttributes() {
        let catalog = FieldCatalog(customAttributes: [
            CustomAttribute(key: "birthday", label: "Birthday", kind: .date), CustomAttribute(key: "sizes", label: "Sizes", kind: .list, options: ["S", "M"]),
        ])
        #expect(catalog.field("attributes.birthday")?.operators.contains(.withinLastDays) == true)
        #expect(catalog.field("attributes.sizes")?.valueKind == .choice)
        #expect(catalog.field("attributes.sizes")?.options == ["S", "M"])
    }

    @Test("it encodes for the builder with operator labels and value shapes")
    func encoding() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(FieldCatalog().field("purchases.product")), as: UTF8.self)
        #expect(json.contains(#""id":"purchases.product""#))
        #expect(json.contains(#"{"id":"between","label":"is between","value":"pair"}"#))
        #expect(json.contains(#""target":"product","target_required":true"#))
        #expect(json.contains(#""accepts_window":true"#))
    }
}
