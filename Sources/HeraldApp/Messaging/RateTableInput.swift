import Analytics
import Foundation

/// The body of `PUT /api/rates` (and the WhatsApp settings form, which posts the same fields): a currency, the date of
/// the figures, and rates by calling code and category with prices in units (≤ 6 decimals) or in micros. Every problem
/// names its field, so nothing is stored unless the whole table is valid.
enum RateTableInput {
    static let categories = ["marketing", "utility", "authentication", "service"]
    /// Below 100 units: `ROUND(price * 1e6)` stays exact and no message costs that much.
    static let maxPriceMicros: Int64 = 100 * Micros.perUnit

    static func parse(_ body: JSONValue) throws(APIError) -> RateTable {
        let reader = try FieldReader(body, path: "")
        try reader.rejectUnknown(["currency", "as_of", "rates"])
        let currency = try CurrencyCode.read("currency", from: reader)
        let asOf = try CalendarDay.read("as_of", from: reader)
        guard case .array(let items)? = reader.fields["rates"] else {
            throw APIError.invalid("rates", "rates is a list of {calling_code, category, price}")
        }
        guard items.count <= 2000 else { throw APIError.invalid("rates", "at most 2000 rates") }
        var rates: [RateTable.Rate] = []
        var seen = Set<String>()
        for (index, item) in items.enumerated() {
            let row = try FieldReader(item, path: "rates[\(index)]")
            try row.rejectUnknown(["calling_code", "category", "price", "price_micros"])
            let code = try row.string("calling_code", required: true, maxLength: 4)!
            guard code == "*" || (code.allSatisfy { $0.isASCII && $0.isNumber } && (1...3).contains(code.count)) else {
                throw APIError.invalid(row.name("calling_code"), "calling_code is 1 to 3 digits (44, 91, 1) or * for every other country")
            }
            let category = try row.string("category", required: true, maxLength: 20)!.lowercased()
            guard categories.contains(category) else {
                throw APIError.invalid(row.name("category"), "category is marketing, utility, authentication or service")
            }
            let micros = try price(row)
            guard seen.insert("\(code)/\(category)").inserted else {
                throw APIError.invalid(row.name("calling_code"), "\(code) \(category) appears twice", code: "duplicate_in_request")
            }
            rates.append(.init(callingCode: code, category: category, priceMicros: micros))
        }
        return RateTable(currency: currency, asOf: asOf, rates: rates)
    }

    /// `price` (a number or a decimal string, at most 6 decimals) or `price_micros` (a whole number), from 0 to under 100.
    static func price(_ row: FieldReader) throws(APIError) -> Int64 {
        let range = "from 0 to under 100 per delivered message"
        if row.has("price") && row.has("price_micros") {
            throw APIError.invalid(row.name("price_micros"), "give price or price_micros, not both")
        }
        let micros: Int64
        if row.has("price_micros") {
            micros = try row.integer("price_micros", required: true)!
            guard (0..<maxPriceMicros).contains(micros) else { throw APIError.invalid(row.name("price_micros"), "price_micros is \(range) (in micro-units)") }
            return micros
        }
        let parsed: Int64?
        switch row.fields["price"] {
        case .number(let number)?: parsed = Micros.parse(number: number)
        case .string(let text)?:
            parsed = Micros.parse(text)
            // A plain decimal that failed only for its length of fraction is too precise; anything else is not a price.
            let plain = text.split(separator: ".", omittingEmptySubsequences: false)
            if parsed == nil && !(plain.count == 2 && plain[1].count > 6 && Micros.parse(plain[0] + "." + plain[1].prefix(6)) != nil) {
                throw APIError.invalid(row.name("price"), "price is a decimal number such as 0.0118", code: "invalid_type")
            }
        case nil, .null?: throw APIError.invalid(row.name("price"), "price or price_micros is required", code: "required")
        case let other?: throw APIError.invalid(row.name("price"), "price must be a number, not \(other.typeName)", code: "invalid_type")
        }
        guard let parsed else {
            throw APIError.invalid(row.name("price"), "price has at most 6 decimals (micro-units); give price_micros for exact values", code: "too_precise")
        }
        guard (0..<maxPriceMicros).contains(parsed) else { throw APIError.invalid(row.name("price"), "price is \(range)") }
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
