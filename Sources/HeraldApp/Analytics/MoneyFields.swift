import Analytics
import Foundation

/// An amount given either in units (a JSON number or a decimal string, at most 6 decimals: `"price": 0.0118`) or in
/// micro-units (a whole number: `"price_micros": 11800`), never both. More decimals are refused as `too_precise`
/// rather than rounded, so what is stored is what was meant.
enum MicrosField {
    static func read(_ row: FieldReader, units: String, micros: String, allowed: Range<Int64>, meaning: String) throws(APIError) -> Int64 {
        if row.has(units) && row.has(micros) { throw APIError.invalid(row.name(micros), "give \(units) or \(micros), not both") }
        if row.has(micros) {
            let value = try row.integer(micros, required: true)!
            guard allowed.contains(value) else { throw APIError.invalid(row.name(micros), "\(micros) is \(meaning) (in micro-units)") }
            return value
        }
        let parsed: Int64?
        switch row.fields[units] {
        case .number(let number)?: parsed = Micros.parse(number: number)
        case .string(let text)?:
            parsed = Micros.parse(text)
            // A plain decimal that failed only for the length of its fraction is too precise; anything else is not an amount.
            let plain = text.split(separator: ".", omittingEmptySubsequences: false)
            if parsed == nil && !(plain.count == 2 && plain[1].count > 6 && Micros.parse(plain[0] + "." + plain[1].prefix(6)) != nil) {
                throw APIError.invalid(row.name(units), "\(units) is a decimal number such as 0.0118", code: "invalid_type")
            }
        case nil, .null?: throw APIError.invalid(row.name(units), "\(units) or \(micros) is required", code: "required")
        case let other?: throw APIError.invalid(row.name(units), "\(units) must be a number, not \(other.typeName)", code: "invalid_type")
        }
        guard let parsed else {
            throw APIError.invalid(row.name(units), "\(units) has at most 6 decimals (micro-units); give \(micros) for exact values", code: "too_precise")
        }
        guard allowed.contains(parsed) else { throw APIError.invalid(row.name(units), "\(units) is \(meaning)") }
        return parsed
    }
}

/// An ISO 4217-shaped currency code: three ASCII letters, upper-cased.
enum CurrencyCode {
    static func isValid(_ code: String) -> Bool { code.count == 3 && code.allSatisfy { $0.isASCII && $0.isLetter } }

    static func read(_ key: String, from reader: FieldReader) throws(APIError) -> String {
        let code = try reader.string(key, required: true, maxLength: 3)!.uppercased()
        guard isValid(code) else { throw APIError.invalid(reader.name(key), "\(key) is a 3-letter ISO 4217 code such as USD") }
        return code
    }
}

/// A calendar date written `YYYY-MM-DD` (the date a table of figures is from).
enum CalendarDay {
    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return DateComponents(calendar: calendar, year: year, month: month, day: day).isValidDate
    }

    static func read(_ key: String, from reader: FieldReader) throws(APIError) -> String? {
        guard let text = try reader.string(key, maxLength: 10) else { return nil }
        guard isValid(text) else { throw APIError.invalid(reader.name(key), "\(key) is a date such as 2025-07-01", code: "invalid_type") }
        return text
    }
}
