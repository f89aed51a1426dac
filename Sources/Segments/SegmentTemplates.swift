import Foundation

/// A ready-made segment with a few parameters, such as "VIP spenders: spent over 500 in the last 90 days".
///
/// The API lists ``all`` and fills one in with ``rules(_:)``; the builder offers them as starting points.
/// Encodes as `{"id", "name", "description", "parameters": [...], "rules"}` where `rules` is the canonical
/// tree with the defaults, or `null` when a required parameter (a category, product or campaign) has none.
public struct SegmentTemplate: Sendable, Encodable {
    /// A stable key such as `vip_spenders`.
    public let id: String
    public let name: String
    /// One sentence for a marketer.
    public let description: String
    public let parameters: [SegmentTemplateParameter]
    private let build: @Sendable (Arguments) -> RuleNode
    /// The part of the suggested name in brackets, such as "over 500 in 90 days".
    private let detail: @Sendable (Arguments) -> String

    init(
        _ id: String, _ name: String, _ description: String, parameters: [SegmentTemplateParameter],
        rules build: @escaping @Sendable (Arguments) -> RuleNode, name detail: @escaping @Sendable (Arguments) -> String
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.parameters = parameters
        self.build = build
        self.detail = detail
    }

    /// The rules for these parameter values (missing or `null` ones take their defaults).
    ///
    /// Throws ``RuleProblems`` with paths `parameters.<name>` for a missing required value, a value of the
    /// wrong type or out of range, and a name the template does not have (most likely a typo).
    public func rules(_ values: [String: RuleValue]) throws(RuleProblems) -> RuleNode {
        var problems: [RuleProblem] = []
        var resolved: [String: RuleValue] = [:]
        for parameter in parameters {
            let path = "parameters." + parameter.name
            guard let value = Self.given(values, parameter) ?? parameter.defaultValue else {
                problems.append(RuleProblem(path, .invalidValue, "Choose a \(parameter.kind) for “\(parameter.label)”."))
                continue
            }
            if let message = parameter.problem(with: value) {
                problems.append(RuleProblem(path, .invalidValue, message))
            } else {
                resolved[parameter.name] = value
            }
        }
        let known = Set(parameters.map(\.name))
        for name in values.keys.sorted() where !known.contains(name) {
            let names = parameters.map { "“\($0.name)”" }.joined(separator: ", ")
            problems.append(RuleProblem("parameters." + name, .invalidStructure, "“\(self.name)” has no parameter “\(name)”; it takes \(names)."))
        }
        guard problems.isEmpty else { throw RuleProblems(problems) }
        return build(Arguments(values: resolved))
    }

    /// A suggested segment name for the values, e.g. "VIP spenders (over 500 in 90 days)".
    /// Values that are missing or unusable are named by their defaults.
    public func suggestedName(_ values: [String: RuleValue]) -> String {
        var resolved: [String: RuleValue] = [:]
        for parameter in parameters {
            let given = Self.given(values, parameter).flatMap { value -> RuleValue? in parameter.problem(with: value) == nil ? value : .none }
            resolved[parameter.name] = given ?? parameter.defaultValue
        }
        return "\(name) (\(detail(Arguments(values: resolved))))"
    }

    /// The value given for a parameter; `null` counts as not given. (`.none`, because a bare `nil`
    /// would read as `RuleValue.null`.)
    private static func given(_ values: [String: RuleValue], _ parameter: SegmentTemplateParameter) -> RuleValue? {
        guard let value = values[parameter.name], !value.isNull else { return .none }
        return value
    }

    /// The template with this id.
    public static func named(_ id: String) -> SegmentTemplate? {
        all.first { $0.id == id }
    }

    enum CodingKeys: String, CodingKey { case id, name, description, parameters, rules }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
        try container.encode(parameters, forKey: .parameters)
        if let rules = try? rules([:]) { try container.encode(rules, forKey: .rules) } else { try container.encodeNil(forKey: .rules) }
    }

    /// Parameter values already checked against their kinds, with defaults filled in.
    struct Arguments: Sendable {
        let values: [String: RuleValue]

        subscript(_ name: String) -> RuleValue { values[name] ?? .null }
        func int(_ name: String) -> Int { Int(values[name]?.number ?? 0) }
        func id(_ name: String) -> String { values[name]?.string ?? "" }
        /// An amount for a name: `500`, `49.90`.
        func amount(_ name: String) -> String {
            let n = values[name]?.number ?? 0
            return n.rounded() == n ? String(Int64(n)) : String(format: "%.2f", n)
        }
    }
}

/// One value a marketer fills in to use a ``SegmentTemplate``.
/// Encodes as `{"name", "label", "kind", "default", "required"}`; `default` is `null` when there is none.
public struct SegmentTemplateParameter: Sendable, Encodable {
    /// What a parameter holds; its raw value is ``kind``.
    enum Kind: String, Sendable {
        /// An amount in the workspace currency's major unit, 0 or more.
        case money
        /// A whole number of at least 1 (orders, messages).
        case number
        /// A whole number of days within ``RuleWindow/dayRange``.
        case days
        /// The id of a product category, product or campaign.
        case category, product, campaign
    }

    /// The key in the `parameters` object, such as `min_spend`.
    public let name: String
    public let label: String
    /// `money`, `number`, `days`, `category`, `product` or `campaign`.
    public let kind: String
    /// nil for a category, product or campaign, which has to be chosen.
    public let defaultValue: RuleValue?
    public let required: Bool
    let valueKind: Kind

    init(_ name: String, _ label: String, _ kind: Kind, default defaultValue: RuleValue? = nil) {
        self.name = name
        self.label = label
        self.kind = kind.rawValue
        self.valueKind = kind
        self.defaultValue = defaultValue
        self.required = defaultValue == nil
    }

    enum CodingKeys: String, CodingKey { case name, label, kind, defaultValue = "default", required }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(label, forKey: .label)
        try container.encode(kind, forKey: .kind)
        try container.encode(defaultValue ?? .null, forKey: .defaultValue)
        try container.encode(required, forKey: .required)
    }

    /// A marketer-facing sentence, or nil when the value fits the kind.
    func problem(with value: RuleValue) -> String? {
        let found = value.typeName
        switch valueKind {
        case .money:
            guard let n = value.number, n.isFinite, n >= 0, n < 1e12 else {
                return "Enter an amount of 0 or more, such as 500 or 49.90 (found \(found))."
            }
        case .number:
            guard let n = value.number, n.rounded() == n, n >= 1, n < 1e9 else { return "Enter a whole number of 1 or more (found \(found))." }
        case .days:
            let range = RuleWindow.dayRange
            guard let n = value.number, n.rounded() == n, n >= Double(range.lowerBound), n <= Double(range.upperBound) else {
                return "Enter a whole number of days from \(range.lowerBound) to \(range.upperBound)."
            }
        case .category, .product, .campaign:
            guard value.string.flatMap(UUID.init(uuidString:)) != nil else { return "Choose a \(kind) from the list." }
        }
        return nil
    }
}
