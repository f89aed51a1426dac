/// Every field a segment rule can test: the built-in contact, purchase, engagement and segment
/// fields, and one field per custom attribute the workspace declared (`attributes.<key>`).
///
/// Encodes as `{"fields": [...]}` for the builder's field, operator and value widgets.
public struct FieldCatalog: Sendable, Encodable {
    public let fields: [SegmentField]
    private let byID: [String: SegmentField]

    public init(customAttributes: [CustomAttribute] = []) {
        let fields = Self.contactFields + customAttributes.map(Self.field(for:)) + Self.purchaseFields + Self.engagementFields
            + Self.segmentFields
        self.fields = fields
        self.byID = Dictionary(fields.map { ($0.id, $0) }) { first, _ in first }
    }

    public func field(_ id: String) -> SegmentField? { byID[id] }

    enum CodingKeys: String, CodingKey { case fields }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fields, forKey: .fields)
    }

    /// Days counted by the engagement score.
    public static let engagementScoreDays = 90

    static let contactFields: [SegmentField] = [
        SegmentField(
            "contact.phone_country_code", "Phone country code", group: "contact", type: .text, valueKind: .callingCode,
            operators: [.equals, .notEquals, .in, .notIn], source: .phoneCallingCode,
            help: "The calling code the phone number starts with, digits only: 44 for +44 (United Kingdom). "
                + "A contact known only by their WhatsApp user ID has no code, so \"is not 44\" includes them."
        ),
        SegmentField(
            "contact.username", "WhatsApp username", group: "contact", type: .text, nullable: true, valueKind: .text,
            operators: [.isSet, .isNotSet], source: .column("username"),
            help: "Whether the contact uses a WhatsApp username. Such contacts may hide their phone number; "
                + "Herald then reaches them by their WhatsApp user ID."
        ),
        SegmentField(
            "contact.country", "Country", group: "contact", type: .text, nullable: true, valueKind: .text, source: .column("country"),
            help: "The contact's country code, such as US or DE."
        ),
        SegmentField("contact.city", "City", group: "contact", type: .text, nullable: true, valueKind: .text, source: .column("city"), help: "The contact's city."),
        SegmentField(
            "contact.language", "Language", group: "contact", type: .text, nullable: true, valueKind: .text, source: .column("language"),
            help: "The contact's preferred language, such as en or pt_BR."
        ),
        SegmentField(
            "contact.tags", "Tags", group: "contact", type: .list, nullable: true, valueKind: .text, source: .tags,
            help: "Labels on the contact. \"Is set\" means the contact has at least one tag; tags match exactly."
        ),
        SegmentField(
            "contact.created_at", "Added on", group: "contact", type: .date, valueKind: .date, source: .createdAt,
            help: "When the contact was added to Herald."
        ),
        SegmentField(
            "contact.consent_status", "Consent", group: "contact", type: .choice, valueKind: .choice, options: ["opted_in", "opted_out", "unknown"],
            source: .consentStatus, help: "Whether the contact agreed to receive marketing messages."
        ),
    ]

    static func field(for attribute: CustomAttribute) -> SegmentField {
        let id = "attributes." + attribute.key
        let source = FieldSource.attribute(key: attribute.key, kind: attribute.kind)
        let help = "Custom attribute \"\(attribute.key)\" (\(attribute.kind.rawValue))."
        switch attribute.kind {
        case .text:
            return SegmentField(id, attribute.label, group: "attributes", type: .text, nullable: true, valueKind: .text, source: source, help: help)
        case .number:
            return SegmentField(id, attribute.label, group: "attributes", type: .number, nullable: true, valueKind: .number, source: source, help: help)
        case .boolean:
            return SegmentField(id, attribute.label, group: "attributes", type: .boolean, nullable: true, valueKind: .boolean, source: source, help: help)
        case .date:
            return SegmentField(id, attribute.label, group: "attributes", type: .date, nullable: true, valueKind: .date, source: source, help: help)
        case .list:
            return SegmentField(
                id, attribute.label, group: "attributes", type: .list, nullable: true, valueKind: attribute.options.isEmpty ? .text : .choice,
                options: attribute.options, source: source, help: help + " \"Is set\" means at least one value."
            )
        }
    }

    static let segmentFields: [SegmentField] = [
        SegmentField(
            "segment", "Segment", group: "segments", type: .segment, valueKind: .segmentID, source: .segment,
            help: "Membership of another saved segment, evaluated with that segment's current rules."
        )
    ]
}
