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

    /// `price` (units, at most 6 decimals) or `price_micros`, from 0 to under 100.
    static func price(_ row: FieldReader) throws(APIError) -> Int64 {
        try MicrosField.read(row, units: "price", micros: "price_micros", allowed: 0..<maxPriceMicros, meaning: "from 0 to under 100 per delivered message")
    }
}
