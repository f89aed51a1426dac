import Foundation
import HummingbirdTesting
import Testing

@testable import HeraldApp

/// `GET/PUT /api/rates`: prices in units (≤ 6 decimals) or micros, a date for the figures, all or nothing.
@Suite("Rates API")
struct RatesAPITests {
    func memberKey(_ app: TestApp) async throws -> String {
        try #require(try await app.request(.post, "/api/api-keys", json: #"{"name":"m","role":"member"}"#).json["secret"].string)
    }

    @Test("a workspace without rates reads the built-in table with its date and micros", arguments: Engine.available)
    func builtIn(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let table = try await app.request(.get, "/api/rates", key: try await memberKey(app)).json
            #expect(table["currency"].string == "USD")
            #expect(table["as_of"].string == "2025-07-01")
            let india = table["rates"].array.first { $0["calling_code"].string == "91" && $0["category"].string == "marketing" }
            #expect(india?["price"].number == 0.0118)
            #expect(india?["price_micros"].number == 11_800)
        }
    }

    @Test("prices as numbers, strings or micros are stored exactly with the date", arguments: Engine.available)
    func replace(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let put = try await app.request(.put, "/api/rates", json: """
                {"currency":"eur","as_of":"2026-11-30","rates":[
                  {"calling_code":"49","category":"marketing","price":0.1365},
                  {"calling_code":"91","category":"Utility","price":"0.001234"},
                  {"calling_code":"*","category":"marketing","price_micros":60000}]}
                """)
            #expect(put.status == .ok, "\(put.text)")
            let table = try await app.request(.get, "/api/rates").json
            #expect(table["currency"].string == "EUR")
            #expect(table["as_of"].string == "2026-11-30")
            let micros = table["rates"].array.map { "\($0["calling_code"].string!) \($0["category"].string!) \(Int($0["price_micros"].number!))" }
            #expect(micros == ["* marketing 60000", "49 marketing 136500", "91 utility 1234"])
            #expect(table["rates"][2]["price"].number == 0.001234)
            let stored = try await app.services.messaging.rates.table(workspaceID: app.workspace.id)
            #expect(stored.price(e164: "+4915112345678", category: "marketing") == 136_500)
        }
    }

    @Test("a bad rate is refused naming its field, and nothing is stored", arguments: Engine.available)
    func refusals(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let good = #"{"calling_code":"49","category":"marketing","price":0.1}"#
            #expect(try await app.request(.put, "/api/rates", json: #"{"currency":"USD","rates":[\#(good)]}"#).status == .ok)
            func put(_ rate: String, currency: String = "USD", asOf: String = "2026-01-31") async throws -> TestResponse {
                try await app.request(.put, "/api/rates", json: #"{"currency":"\#(currency)","as_of":"\#(asOf)","rates":[\#(good),\#(good.replacingOccurrences(of: "49", with: "44")),{"calling_code":"1","category":"utility","price":0.1},\#(rate)]}"#)
            }
            let r = "rates[3]"
            expectError(try await put(#"{"calling_code":"91","category":"marketing","price":0.1234567}"#), .unprocessableContent, code: "too_precise", field: "\(r).price")
            expectError(try await put(#"{"calling_code":"91","category":"marketing","price":"0.1234567"}"#), .unprocessableContent, code: "too_precise", field: "\(r).price")
            expectError(try await put(#"{"calling_code":"91","category":"marketing","price":"cheap"}"#), .unprocessableContent, code: "invalid_type", field: "\(r).price")
            expectError(try await put(#"{"calling_code":"91","category":"marketing","price":-0.01}"#), .unprocessableContent, field: "\(r).price")
            expectError(try await put(#"{"calling_code":"91","category":"marketing","price":100}"#), .unprocessableContent, field: "\(r).price")
            expectError(try await put(#"{"calling_code":"91","category":"marketing","price_micros":1.5}"#), .unprocessableContent, field: "\(r).price_micros")
            expectError(try await put(#"{"calling_code":"91","category":"marketing","price_micros":-1}"#), .unprocessableContent, field: "\(r).price_micros")
            expectError(try await put(#"{"calling_code":"91","category":"marketing","price":0.1,"price_micros":100000}"#), .unprocessableContent, field: "\(r).price_micros")
            expectError(try await put(#"{"calling_code":"91","category":"marketing"}"#), .unprocessableContent, code: "required", field: "\(r).price")
            expectError(try await put(#"{"calling_code":"9999","category":"marketing","price":0.1}"#), .unprocessableContent, field: "\(r).calling_code")
            expectError(try await put(#"{"calling_code":"91","category":"promo","price":0.1}"#), .unprocessableContent, field: "\(r).category")
            expectError(try await put(#"{"calling_code":"49","category":"marketing","price":0.2}"#), .unprocessableContent, code: "duplicate_in_request", field: "\(r).calling_code")
            expectError(try await put(#"{"calling_code":"91","category":"marketing","price":0.1,"cost":1}"#), .unprocessableContent, field: "\(r).cost")
            expectError(try await put(#"{"calling_code":"91","category":"marketing","price":0.1}"#, asOf: "2026-02-30"), .unprocessableContent, field: "as_of")
            expectError(try await put(#"{"calling_code":"91","category":"marketing","price":0.1}"#, asOf: "30/11/2026"), .unprocessableContent, field: "as_of")
            expectError(try await put(#"{"calling_code":"91","category":"marketing","price":0.1}"#, currency: "E1R"), .unprocessableContent, field: "currency")
            let table = try await app.request(.get, "/api/rates").json
            #expect(table["rates"].array.count == 1, "nothing of a refused table is stored: \(table)")
            #expect(table["rates"][0]["price_micros"].number == 100_000)
            #expect(table["as_of"] == .null)
        }
    }

    @Test("members read the rates; only admins replace them", arguments: Engine.available)
    func roles(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let member = try await memberKey(app)
            #expect(try await app.request(.get, "/api/rates", key: member).status == .ok)
            expectError(try await app.request(.put, "/api/rates", json: #"{"currency":"USD","rates":[]}"#, key: member), .forbidden)
        }
    }
}
