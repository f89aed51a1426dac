import Analytics
import Foundation
import HummingbirdTesting
import Testing

@testable import HeraldApp

/// `GET/PUT /api/currency-rates`: how many units of the workspace currency one unit of another is worth, for reports.
@Suite("Currency rates API")
struct CurrencyRateAPITests {
    func memberKey(_ app: TestApp) async throws -> String {
        try #require(try await app.request(.post, "/api/api-keys", json: #"{"name":"m","role":"member"}"#).json["secret"].string)
    }

    @Test("rates are replaced as a whole and read back exactly; the converter uses them and never guesses", arguments: Engine.available)
    func replaceAndConvert(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let empty = try await app.request(.get, "/api/currency-rates").json
            #expect(empty["currency"].string == "USD")
            #expect(empty["rates"].array.isEmpty)
            let put = try await app.request(.put, "/api/currency-rates", json: """
                {"currency":"USD","rates":[{"currency":"eur","rate":"1.08","as_of":"2026-11-30"},{"currency":"JPY","rate":0.006712},
                 {"currency":"KWD","rate_micros":3254000}]}
                """)
            #expect(put.status == .ok, "\(put.text)")
            let read = try await app.request(.get, "/api/currency-rates", key: try await memberKey(app)).json
            let rows = read["rates"].array.map { "\($0["currency"].string!) \(Int($0["rate_micros"].number!)) \($0["as_of"].string ?? "-")" }
            #expect(rows == ["EUR 1080000 2026-11-30", "JPY 6712 -", "KWD 3254000 -"])
            #expect(read["rates"][0]["rate"].number == 1.08)

            let converter = try await CurrencyRateStore(database: app.database).converter(workspaceID: app.workspace.id)
            #expect(converter.reportCurrency == "USD")
            #expect(converter.convert(minor: 8_000, from: "EUR") == 86_400_000, "€80.00 is $86.40")
            #expect(converter.convert(minor: 1_500, from: "JPY") == 10_068_000, "¥1500 is $10.068")
            #expect(converter.convert(minor: 1_000, from: "KWD") == 3_254_000, "1.000 KWD is $3.254")
            #expect(converter.convert(minor: 100, from: "GBP") == nil, "no rate, no guess")

            // Replacing with fewer rows removes the others.
            #expect(try await app.request(.put, "/api/currency-rates", json: #"{"rates":[{"currency":"GBP","rate":1.27}]}"#).status == .ok)
            #expect(try await app.request(.get, "/api/currency-rates").json["rates"].array.map { $0["currency"].string! } == ["GBP"])
        }
    }

    @Test("a bad rate is refused naming its field, and nothing is stored", arguments: Engine.available)
    func refusals(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            #expect(try await app.request(.put, "/api/currency-rates", json: #"{"rates":[{"currency":"EUR","rate":1.08}]}"#).status == .ok)
            func put(_ rate: String, currency: String = "USD") async throws -> TestResponse {
                try await app.request(.put, "/api/currency-rates", json: #"{"currency":"\#(currency)","rates":[{"currency":"GBP","rate":1.27},\#(rate)]}"#)
            }
            let r = "rates[1]"
            expectError(try await put(#"{"currency":"CHF","rate":1.1234567}"#), .unprocessableContent, code: "too_precise", field: "\(r).rate")
            expectError(try await put(#"{"currency":"CHF","rate":"1.1234567"}"#), .unprocessableContent, code: "too_precise", field: "\(r).rate")
            expectError(try await put(#"{"currency":"CHF","rate":0}"#), .unprocessableContent, field: "\(r).rate")
            expectError(try await put(#"{"currency":"CHF","rate":-1}"#), .unprocessableContent, field: "\(r).rate")
            expectError(try await put(#"{"currency":"CHF","rate":"lots"}"#), .unprocessableContent, code: "invalid_type", field: "\(r).rate")
            expectError(try await put(#"{"currency":"CHF"}"#), .unprocessableContent, code: "required", field: "\(r).rate")
            expectError(try await put(#"{"currency":"CHF","rate_micros":0}"#), .unprocessableContent, field: "\(r).rate_micros")
            expectError(try await put(#"{"currency":"CHF","rate":1,"rate_micros":1000000}"#), .unprocessableContent, field: "\(r).rate_micros")
            expectError(try await put(#"{"currency":"C1F","rate":1}"#), .unprocessableContent, field: "\(r).currency")
            expectError(try await put(#"{"currency":"usd","rate":1}"#), .unprocessableContent, code: "report_currency", field: "\(r).currency")
            expectError(try await put(#"{"currency":"GBP","rate":1.3}"#), .unprocessableContent, code: "duplicate_in_request", field: "\(r).currency")
            expectError(try await put(#"{"currency":"CHF","rate":1,"as_of":"2026-13-01"}"#), .unprocessableContent, field: "\(r).as_of")
            expectError(try await put(#"{"currency":"CHF","rate":1,"note":"x"}"#), .unprocessableContent, field: "\(r).note")
            expectError(try await put(#"{"currency":"CHF","rate":1}"#, currency: "EUR"), .unprocessableContent, code: "currency_mismatch", field: "currency")
            expectError(try await app.request(.put, "/api/currency-rates", json: #"{"rates":"EUR"}"#), .unprocessableContent, field: "rates")
            let rates = try await app.request(.get, "/api/currency-rates").json["rates"].array
            #expect(rates.map { $0["currency"].string! } == ["EUR"], "nothing of a refused table is stored")
        }
    }

    @Test("members read the rates; only admins replace them", arguments: Engine.available)
    func roles(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let member = try await memberKey(app)
            #expect(try await app.request(.get, "/api/currency-rates", key: member).status == .ok)
            expectError(try await app.request(.put, "/api/currency-rates", json: #"{"rates":[]}"#, key: member), .forbidden)
        }
    }
}
