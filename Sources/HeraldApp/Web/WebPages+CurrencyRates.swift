import Analytics
import Foundation
import Hummingbird

/// Settings → Currency rates: how many units of the workspace currency one unit of another is worth, for reports.
/// Numbered rows (`cur_0_code`, `cur_0_rate`, `cur_0_as_of`, `cur_0_remove`) and blank rows to add; the action runs the
/// validation and store of `PUT /api/currency-rates`, and a refusal names its row beside the field.
extension WebPages {
    static let blankCurrencyRows = 2

    func currencyRateValues(workspaceID: UUID) async throws -> [String: Any] {
        let table = try await CurrencyRateStore(database: services.database).table(workspaceID: workspaceID)
        let rows = table.rates.map { ($0.currency, Micros.display($0.rateMicros), $0.asOf ?? "") }
            + Array(repeating: ("", "", ""), count: Self.blankCurrencyRows)
        return Self.currencyRows(rows, removed: [], errors: [:])
    }

    static func currencyRows(_ rows: [(code: String, rate: String, asOf: String)], removed: Set<Int>, errors: [String: String]) -> [String: Any] {
        [
            "currencyRates": rows.enumerated().map { i, row -> [String: Any] in
                var values: [String: Any] = ["index": i, "code": row.code, "rate": row.rate, "asOf": row.asOf, "remove": removed.contains(i)]
                for field in ["code", "rate", "as_of"] { values["\(field == "as_of" ? "asOf" : field)Error"] = present(errors["cur_\(i)_\(field)"]) }
                return values
            },
            "currencyRowCount": rows.count,
        ]
    }

    @Sendable func updateCurrencyRates(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        let form = try await FormData.read(request, context: context)
        try checkForm(form, access)
        guard access.role.canManage else { return try await settingsPage(access: access, values: ["error": "Your role cannot change settings."], status: .forbidden) }
        let count = min(form["cur_rows"].flatMap(Int.init) ?? 0, 300)
        var posted: [Int] = []
        var rates: [JSONValue] = []
        for i in 0..<count where form["cur_\(i)_remove"] == nil {
            let code = form.text("cur_\(i)_code"), rate = form.text("cur_\(i)_rate")
            if code == nil && rate == nil { continue }  // a blank row adds nothing
            posted.append(i)
            var row: [String: JSONValue] = ["currency": .string(code ?? ""), "rate": .string(rate ?? "")]
            if let asOf = form.text("cur_\(i)_as_of") { row["as_of"] = .string(asOf) }
            rates.append(.object(row))
        }
        let store = CurrencyRateStore(database: services.database)
        do {
            let currency = try await store.reportCurrency(workspaceID: access.workspaceID)
            let parsed = try CurrencyRateInput.parse(.object(["rates": .array(rates)]), reportCurrency: currency)
            _ = try await store.replace(workspaceID: access.workspaceID, rates: parsed)
            return try await settingsPage(access: access, values: ["notice": "Currency rates saved: \(parsed.count) for reports in \(currency)."])
        } catch let error as APIError {
            var errors: [String: String] = [:]
            if let slot = Self.currencyFormField(error.field, rows: posted) { errors[slot] = error.message }
            let rows = (0..<count).map { i in (form["cur_\(i)_code"] ?? "", form["cur_\(i)_rate"] ?? "", form["cur_\(i)_as_of"] ?? "") }
            var values = Self.currencyRows(rows, removed: Set((0..<count).filter { form["cur_\($0)_remove"] != nil }), errors: errors)
            values["error"] = error.message
            return try await settingsPage(access: access, values: values, status: error.status)
        }
    }

    /// `rates[1].rate` names the second posted row; the form shows it beside that row's field (`cur_<row>_rate`).
    static func currencyFormField(_ field: String?, rows: [Int]) -> String? {
        guard let field, field.hasPrefix("rates["), let close = field.firstIndex(of: "]"),
            let index = Int(field[field.index(field.startIndex, offsetBy: 6)..<close]), rows.indices.contains(index)
        else { return nil }
        let name = field[field.index(after: close)...].drop { $0 == "." }
        let slot = name.hasPrefix("currency") ? "code" : name.hasPrefix("as_of") ? "as_of" : "rate"
        return "cur_\(rows[index])_\(slot)"
    }
}
