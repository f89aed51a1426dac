/// One field a rule can test, as the builder shows it: type, operators, value kind and help.
public struct SegmentField: Sendable, Encodable {
    /// The id rules use in `field`, e.g. `purchases.total_spend` or `attributes.birthday`.
    public let id: String
    public let label: String
    /// `contact`, `attributes`, `purchases`, `engagement` or `segments`.
    public let group: String
    public let type: FieldType
    public let operators: [RuleOperator]
    public let valueKind: ValueKind
    /// The allowed values of a `choice` field (and of a list attribute with declared options).
    public let options: [String]
    /// Whether a condition may carry a `window` (purchase and engagement counts).
    public let acceptsWindow: Bool
    /// What the condition's `target` names, when the field takes one.
    public let target: TargetKind?
    public let targetRequired: Bool
    public let help: String
    /// Where the compiler reads the field; never taken from user input.
    let source: FieldSource

    init(
        _ id: String, _ label: String, group: String, type: FieldType, nullable: Bool = false, valueKind: ValueKind,
        options: [String] = [], window: Bool = false, target: TargetKind? = nil, targetRequired: Bool = false,
        operators: [RuleOperator]? = nil, source: FieldSource, help: String
    ) {
        self.id = id
        self.label = label
        self.group = group
        self.type = type
        self.operators = operators ?? type.operators(nullable: nullable)
        self.valueKind = valueKind
        self.options = options
        self.acceptsWindow = window
        self.target = target
        self.targetRequired = targetRequired
        self.source = source
        self.help = help
    }

    /// How an operator is offered to the builder: its id, label and the value it takes.
    struct OperatorSpec: Encodable {
        let id: RuleOperator
        let label: String
        let value: ValueShape
    }

    enum CodingKeys: String, CodingKey {
        case id, label, group, type, operators, valueKind = "value_kind", options, acceptsWindow = "accepts_window", target
        case targetRequired = "target_required", help
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(label, forKey: .label)
        try container.encode(group, forKey: .group)
        try container.encode(type, forKey: .type)
        try container.encode(operators.map { OperatorSpec(id: $0, label: $0.label, value: ValueShape.of($0)) }, forKey: .operators)
        try container.encode(valueKind, forKey: .valueKind)
        if !options.isEmpty { try container.encode(options, forKey: .options) }
        try container.encode(acceptsWindow, forKey: .acceptsWindow)
        try container.encodeIfPresent(target, forKey: .target)
        if target != nil { try container.encode(targetRequired, forKey: .targetRequired) }
        try container.encode(help, forKey: .help)
    }
}

/// Where a field's data lives. The compiler turns each case into SQL with fixed identifiers.
enum FieldSource: Sendable, Hashable {
    case column(String)
    case phoneCallingCode
    case tags
    case createdAt
    case consentStatus
    case attribute(key: String, kind: CustomAttribute.Kind)
    case totalSpend, orderCount, averageOrderValue, firstPurchase, lastPurchase, daysSinceLastPurchase
    case productOrders, categoryOrders
    case eventCount(type: String)
    case daysSinceLastEvent(type: String)
    case neverEngaged
    case engagementScore
    case segment
}

/// A workspace's custom contact attribute, as declared in `custom_field_definitions`.
public struct CustomAttribute: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable { case text, number, boolean, date, list }
    public let key: String
    public let label: String
    public let kind: Kind
    /// Allowed values of a `list` attribute; empty means any text.
    public let options: [String]

    public init(key: String, label: String, kind: Kind, options: [String] = []) {
        self.key = key
        self.label = label
        self.kind = kind
        self.options = options
    }
}
