import Analytics
import Foundation
import Hummingbird

/// Settings → WhatsApp → Message rates: the rate table as an edit form. Rows are numbered fields (`rate_0_code`,
/// `rate_0_category`, `rate_0_price`, `rate_0_remove`) plus blank rows to add; the action builds the body of
/// `PUT /api/rates` and runs the same validation and store, so a refusal names its row beside the field.
extension WebPages {
    static let blankRateRows = 3
    static let maxRateRows = 200

    /// The rows to show: the posted ones after a refusal, else the stored table's, then blank rows to add.
    static func rateRows(_ table: RateTable, form: [String: String], errors: [String: String]) -> [[String: Any]] {
        var rows: [(code: String, category: String, price: String)]
        if let count = form["rate_rows"].flatMap(Int.init) {
            rows = (0..<min(count, maxRateRows)).map { i in
                (form["rate_\(i)_code"] ?? "", form["rate_\(i)_category"] ?? "marketing", form["rate_\(i)_price"] ?? "")
            }
        } else {
            rows = table.rates.map { ($0.callingCode, $0.category, Micros.display($0.priceMicros)) }
            rows += Array(repeating: ("", "marketing", ""), count: blankRateRows)
        }
        return rows.enumerated().map { i, row in
            var values: [String: Any] = [
                "index": i, "code": row.code, "price": row.price,
                "categories": RateTableInput.categories.map { ["value": $0, "selected": $0 == row.category] as [String: Any] },
                "remove": form["rate_\(i)_remove"] != nil,
            ]
            for field in ["code", "category", "price"] { values["\(field)Error"] = present(errors["rate_\(i)_\(field)"]) }
            return values
        }
    }

    @Sendable func saveRates(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await whatsappForm(request, context, needs: .manage) { form, access in
            let count = min(form["rate_rows"].flatMap(Int.init) ?? 0, Self.maxRateRows)
            var rows: [Int] = []
            var rates: [JSONValue] = []
            for i in 0..<count where form["rate_\(i)_remove"] == nil {
                let code = form.text("rate_\(i)_code"), price = form.text("rate_\(i)_price")
                if code == nil && price == nil { continue }  // a blank row adds nothing
                rows.append(i)
                rates.append(.object([
                    "calling_code": .string(code ?? ""), "category": .string(form.text("rate_\(i)_category") ?? ""), "price": .string(price ?? ""),
                ]))
            }
            var body: [String: JSONValue] = ["currency": .string(form.text("currency") ?? ""), "rates": .array(rates)]
            if let asOf = form.text("as_of") { body["as_of"] = .string(asOf) }
            do {
                let table = try RateTableInput.parse(.object(body))
                try await services.messaging.rates.replace(workspaceID: access.workspaceID, table: table)
                return ["notice": "Message rates saved: \(table.rates.count) rate\(table.rates.count == 1 ? "" : "s") in \(table.currency)."]
            } catch let error as APIError {
                throw Self.rateFormError(error, rows: rows)
            }
        }
    }

    /// `rates[3].price` names the fourth posted rate; the form shows it beside that row's field (`rate_<row>_price`).
    static func rateFormError(_ error: APIError, rows: [Int]) -> APIError {
        guard let field = error.field, field.hasPrefix("rates["), let close = field.firstIndex(of: "]"),
            let index = Int(field[field.index(field.startIndex, offsetBy: 6)..<close]), rows.indices.contains(index)
        else { return error }
        let name = field[field.index(after: close)...].drop { $0 == "." }
        let slot = name.hasPrefix("calling_code") ? "code" : name.hasPrefix("category") ? "category" : "price"
        return APIError(error.status, error.code, error.message, field: "rate_\(rows[index])_\(slot)")
    }
}
