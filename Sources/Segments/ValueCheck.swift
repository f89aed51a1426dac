import Foundation

/// Checks a condition's `value` against the shape its operator needs and the field's value kind.
struct ValueCheck {
    let field: SegmentField
    let op: RuleOperator

    static let maxListItems = 1000
    static let maxDays = 36_500

    /// A marketer-facing sentence, or nil when the value fits.
    func problem(with value: RuleValue) -> String? {
        switch ValueShape.of(op) {
        case .none:
            return value.isNull ? nil : "“\(op.label)” takes no value; leave it empty."
        case .days:
            guard let n = value.number, n.rounded() == n, n >= 0, n <= Double(Self.maxDays) else {
                return "Enter a whole number of days from 0 to \(Self.maxDays)."
            }
            return nil
        case .single:
            return single(value)
        case .pair:
            guard let items = value.array, items.count == 2 else { return "“\(op.label)” needs two values: from and to." }
            if let problem = single(items[0]) ?? single(items[1]) { return problem }
            if let low = items[0].number, let high = items[1].number, low > high { return "The first value must not be larger than the second." }
            if let low = items[0].string.flatMap(CalendarDay.init), let high = items[1].string.flatMap(CalendarDay.init), low > high {
                return "The first date must not be after the second."
            }
            return nil
        case .list:
            guard let items = value.array, !items.isEmpty else { return "Choose at least one value." }
            if items.count > Self.maxListItems { return "Choose at most \(Self.maxListItems) values." }
            return items.lazy.compactMap(single).first
        }
    }

    private func single(_ value: RuleValue) -> String? {
        let found = value.typeName
        switch field.valueKind {
        case .text:
            guard let text = value.string, !text.isEmpty else { return "Enter some text (found \(found))." }
            return text.count > 500 ? "Use at most 500 characters." : nil
        case .number:
            guard let n = value.number, n.isFinite else { return "Enter a number (found \(found))." }
            return nil
        case .count:
            guard let n = value.number, n.rounded() == n, n >= 0, n < 1e9 else { return "Enter a whole number of 0 or more (found \(found))." }
            return nil
        case .money:
            guard let n = value.number, n.isFinite, abs(n) < 1e12 else { return "Enter an amount, such as 500 or 49.90 (found \(found))." }
            return nil
        case .date:
            guard value.string.flatMap(CalendarDay.init) != nil else { return "Enter a date as YYYY-MM-DD, such as 2024-05-01 (found \(found))." }
            return nil
        case .boolean:
            guard case .bool = value else { return "Choose yes or no (found \(found))." }
            return nil
        case .choice:
            guard let text = value.string, field.options.contains(text) else {
                return "Choose one of: \(field.options.joined(separator: ", "))."
            }
            return nil
        case .callingCode:
            guard let code = value.string.map(Self.callingCode), code.count >= 1, code.count <= 3, code.allSatisfy(\.isASCII),
                code.allSatisfy(\.isNumber), code.first != "0"
            else { return "Enter a calling code of 1 to 3 digits, such as 44." }
            return nil
        case .segmentID:
            guard value.string.flatMap(UUID.init(uuidString:)) != nil else { return "Choose a saved segment." }
            return nil
        }
    }

    /// `+44` and `44` name the same calling code.
    static func callingCode(_ text: String) -> String {
        text.hasPrefix("+") ? String(text.dropFirst()) : text
    }
}
