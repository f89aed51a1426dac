/// What kind of data a field holds; it decides the operators a field allows.
public enum FieldType: String, Sendable, Hashable, Encodable {
    case text, number, money, date, boolean, choice, list, segment

    /// Operators of the type; fields that can be empty add `is_set` / `is_not_set`.
    func operators(nullable: Bool) -> [RuleOperator] {
        let base: [RuleOperator]
        switch self {
        case .text: base = [.equals, .notEquals, .in, .notIn, .contains, .notContains, .startsWith]
        case .number, .money: base = [.equals, .notEquals, .greaterThan, .greaterThanOrEqual, .lessThan, .lessThanOrEqual, .between]
        case .date: base = [.before, .after, .between, .withinLastDays, .moreThanDaysAgo]
        case .boolean: base = [.equals]
        case .choice: base = [.equals, .notEquals, .in, .notIn]
        case .list: base = [.contains, .notContains]
        case .segment: base = [.inSegment, .notInSegment]
        }
        return nullable ? base + [.isSet, .isNotSet] : base
    }
}

/// The JSON a condition's `value` holds for one operator of one field.
public enum ValueShape: String, Sendable, Hashable, Encodable {
    /// No value (`null`).
    case none
    /// One value of the field's kind.
    case single
    /// `[low, high]`, both included.
    case pair
    /// A non-empty list of values of the field's kind.
    case list
    /// A whole number of days.
    case days

    static func of(_ op: RuleOperator) -> ValueShape {
        switch op {
        case .isSet, .isNotSet: .none
        case .between: .pair
        case .in, .notIn: .list
        case .withinLastDays, .moreThanDaysAgo: .days
        default: .single
        }
    }
}

/// How a single value of a field is written in JSON.
public enum ValueKind: String, Sendable, Hashable, Encodable {
    /// Text; compared ignoring case (ASCII letters) except tags and list values, which match exactly.
    case text
    /// A number.
    case number
    /// A whole number of at least 0 (counts, days).
    case count
    /// An amount in the workspace currency's major unit (`500` is $500.00).
    case money
    /// A day, `YYYY-MM-DD`, in the workspace's time zone.
    case date
    /// `true` or `false`.
    case boolean
    /// One of the field's `options`.
    case choice
    /// The calling code of a phone number, digits only (`44`).
    case callingCode = "calling_code"
    /// A saved segment's id.
    case segmentID = "segment_id"
}

/// What a field's optional or required `target` names.
public enum TargetKind: String, Sendable, Hashable, Encodable {
    case product, category, campaign
}
