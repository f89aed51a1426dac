import Foundation

/// How a condition compares a field with its value. The raw value is the canonical JSON spelling.
public enum RuleOperator: String, Sendable, Hashable, Codable, CaseIterable {
    case equals = "eq"
    case notEquals = "neq"
    case greaterThan = "gt"
    case greaterThanOrEqual = "gte"
    case lessThan = "lt"
    case lessThanOrEqual = "lte"
    case between
    case `in`
    case notIn = "not_in"
    case contains
    case notContains = "not_contains"
    case startsWith = "starts_with"
    case isSet = "is_set"
    case isNotSet = "is_not_set"
    case withinLastDays = "within_last_days"
    case moreThanDaysAgo = "more_than_days_ago"
    case before
    case after
    case inSegment = "in_segment"
    case notInSegment = "not_in_segment"

    /// What a marketer reads in the builder.
    public var label: String {
        switch self {
        case .equals: "is"
        case .notEquals: "is not"
        case .greaterThan: "is greater than"
        case .greaterThanOrEqual: "is at least"
        case .lessThan: "is less than"
        case .lessThanOrEqual: "is at most"
        case .between: "is between"
        case .in: "is any of"
        case .notIn: "is none of"
        case .contains: "contains"
        case .notContains: "does not contain"
        case .startsWith: "starts with"
        case .isSet: "is set"
        case .isNotSet: "is not set"
        case .withinLastDays: "is within the last N days"
        case .moreThanDaysAgo: "is more than N days ago"
        case .before: "is before"
        case .after: "is after"
        case .inSegment: "is in segment"
        case .notInSegment: "is not in segment"
        }
    }

    /// The operator that matches exactly the contacts this one does not, for the negative forms.
    /// Negative operators are compiled as `NOT (positive)`, so a missing value matches "is not".
    var positive: RuleOperator? {
        switch self {
        case .notEquals: .equals
        case .notIn: .in
        case .notContains: .contains
        case .isNotSet: .isSet
        case .notInSegment: .inSegment
        default: nil
        }
    }

    /// Reads the canonical spelling and the common aliases of the seed's flat form
    /// (`equals`, `=`, `greater_than`, `>=`, `not_equal`, …), case-insensitively.
    public init?(parsing text: String) {
        let key = text.lowercased().trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "_")
        if let op = RuleOperator(rawValue: key) {
            self = op
        } else if let op = Self.aliases[key] {
            self = op
        } else {
            return nil
        }
    }

    static let aliases: [String: RuleOperator] = [
        "=": .equals, "==": .equals, "equals": .equals, "equal": .equals, "is": .equals,
        "!=": .notEquals, "<>": .notEquals, "not_equals": .notEquals, "not_equal": .notEquals, "is_not": .notEquals,
        ">": .greaterThan, "greater_than": .greaterThan, ">=": .greaterThanOrEqual, "greater_than_or_equal": .greaterThanOrEqual,
        "at_least": .greaterThanOrEqual, "<": .lessThan, "less_than": .lessThan, "<=": .lessThanOrEqual,
        "less_than_or_equal": .lessThanOrEqual, "at_most": .lessThanOrEqual, "not_in": .notIn, "nin": .notIn,
        "does_not_contain": .notContains, "exists": .isSet, "not_exists": .isNotSet, "is_empty": .isNotSet,
        "in_the_last": .withinLastDays, "within_last": .withinLastDays, "older_than_days": .moreThanDaysAgo,
        "member_of": .inSegment, "not_member_of": .notInSegment,
    ]
}
