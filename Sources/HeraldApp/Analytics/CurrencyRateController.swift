import Foundation
import Hummingbird

/// `GET/PUT /api/currency-rates`: the rates reports use to convert revenue and cost into the workspace's currency.
/// Members read them; admins replace them, all or nothing.
struct CurrencyRateController {
    let store: CurrencyRateStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("currency-rates", use: list)
        group.put("currency-rates", use: replace)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try JSONResponse.make(try await store.table(workspaceID: context.access.workspaceID))
    }

    @Sendable func replace(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let workspaceID = context.access.workspaceID
        let body = try await request.jsonBody(context: context)
        let reportCurrency = try await store.reportCurrency(workspaceID: workspaceID)
        let rates = try CurrencyRateInput.parse(body, reportCurrency: reportCurrency)
        return try JSONResponse.make(try await store.replace(workspaceID: workspaceID, rates: rates))
    }
}

/// The body of `PUT /api/currency-rates` and of the Settings form: `{"currency"?, "rates": [{currency, rate |
/// rate_micros, as_of?}]}`. `currency`, when given, must be the workspace's (rates are in its units).
enum CurrencyRateInput {
    /// Above 0 and under a billion units of the report currency per unit.
    static let allowed: Range<Int64> = 1..<(1_000_000_000 * 1_000_000)

    static func parse(_ body: JSONValue, reportCurrency: String) throws(APIError) -> [CurrencyRate] {
        let reader = try FieldReader(body, path: "")
        try reader.rejectUnknown(["currency", "rates"])
        if reader.has("currency"), try CurrencyCode.read("currency", from: reader) != reportCurrency.uppercased() {
            throw APIError.invalid(
                "currency", "rates are in the workspace currency, \(reportCurrency); change it in the workspace settings first", code: "currency_mismatch")
        }
        guard case .array(let items)? = reader.fields["rates"] else {
            throw APIError.invalid("rates", "rates is a list of {currency, rate, as_of}")
        }
        guard items.count <= 300 else { throw APIError.invalid("rates", "at most 300 currencies") }
        var rates: [CurrencyRate] = []
        var seen = Set<String>()
        for (index, item) in items.enumerated() {
            let row = try FieldReader(item, path: "rates[\(index)]")
            try row.rejectUnknown(["currency", "rate", "rate_micros", "as_of"])
            let currency = try CurrencyCode.read("currency", from: row)
            guard currency != reportCurrency.uppercased() else {
                throw APIError.invalid(row.name("currency"), "\(currency) is the workspace currency: it needs no rate", code: "report_currency")
            }
            let micros = try MicrosField.read(
                row, units: "rate", micros: "rate_micros", allowed: allowed, meaning: "how many \(reportCurrency) one \(currency) is worth, above 0")
            let asOf = try CalendarDay.read("as_of", from: row)
            guard seen.insert(currency).inserted else {
                throw APIError.invalid(row.name("currency"), "\(currency) appears twice", code: "duplicate_in_request")
            }
            rates.append(CurrencyRate(currency: currency, rateMicros: micros, asOf: asOf))
        }
        return rates
    }
}
