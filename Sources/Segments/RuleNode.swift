import Foundation

/// A segment's rules: a tree of groups and conditions.
///
/// Canonical JSON (see docs/segments.md): a group is
/// `{"combinator": "and"|"or", "not": false, "children": [...]}` and a condition is
/// `{"field": "...", "operator": "...", "value": ..., "window": {...}?, "target": "..."?}`.
/// Decoding accepts everything ``RuleParser`` accepts, including the seed's flat form.
public indirect enum RuleNode: Sendable, Hashable, Codable {
    case group(RuleGroup)
    case condition(RuleCondition)

    public init(from decoder: any Decoder) throws {
        let value = try RuleValue(from: decoder)
        do {
            self = try RuleParser.parse(value)
        } catch {
            let first = error.problems.first
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: first.map { "\($0.path): \($0.message)" } ?? "invalid rules")
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .group(let group): try group.encode(to: encoder)
        case .condition(let condition): try condition.encode(to: encoder)
        }
    }

    /// Every condition in the tree, depth first.
    public var conditions: [RuleCondition] {
        switch self {
        case .condition(let condition): [condition]
        case .group(let group): group.children.flatMap(\.conditions)
        }
    }

    /// Levels of groups: a lone condition is 0, a group of conditions is 1.
    public var depth: Int {
        switch self {
        case .condition: 0
        case .group(let group): 1 + (group.children.map(\.depth).max() ?? 0)
        }
    }
}

/// Children combined with `and` (all must match) or `or` (any must match), optionally negated.
/// An empty `and` group matches every contact; an empty `or` group matches none.
public struct RuleGroup: Sendable, Hashable, Codable {
    public enum Combinator: String, Sendable, Hashable, Codable { case and, or }

    public var combinator: Combinator
    public var not: Bool
    public var children: [RuleNode]

    public init(_ combinator: Combinator, not: Bool = false, _ children: [RuleNode]) {
        self.combinator = combinator
        self.not = not
        self.children = children
    }
}

/// One test of one field, e.g. "total spend in the last 60 days is greater than 500".
public struct RuleCondition: Sendable, Hashable, Codable {
    /// A ``FieldCatalog`` field id such as `contact.country` or `purchases.total_spend`.
    public var field: String
    public var `operator`: RuleOperator
    /// `null` for operators that take no value (`is_set`).
    public var value: RuleValue
    /// The period counted by purchase and engagement fields; absent means all time.
    public var window: RuleWindow?
    /// The product, category or campaign id a field is about, for fields that take one.
    public var target: String?

    public init(_ field: String, _ op: RuleOperator, _ value: RuleValue = .null, window: RuleWindow? = nil, target: String? = nil) {
        self.field = field
        self.operator = op
        self.value = value
        self.window = window
        self.target = target
    }

    enum CodingKeys: String, CodingKey { case field, `operator`, value, window, target }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(field, forKey: .field)
        try container.encode(self.operator, forKey: .operator)
        try container.encode(value, forKey: .value)
        try container.encodeIfPresent(window, forKey: .window)
        try container.encodeIfPresent(target, forKey: .target)
    }
}

extension RuleNode {
    /// A group of `and`-ed children.
    public static func all(_ children: RuleNode...) -> RuleNode { .group(RuleGroup(.and, children)) }
    /// A group of `or`-ed children.
    public static func any(_ children: RuleNode...) -> RuleNode { .group(RuleGroup(.or, children)) }
    /// A condition node.
    public static func when(
        _ field: String, _ op: RuleOperator, _ value: RuleValue = .null, window: RuleWindow? = nil, target: String? = nil
    ) -> RuleNode {
        .condition(RuleCondition(field, op, value, window: window, target: target))
    }
}
