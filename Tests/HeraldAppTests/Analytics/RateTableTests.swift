import Analytics
import Foundation
import Testing

@testable import HeraldApp

/// The rate table prices in integer micro-units, and its JSON keeps the decimal price beside the exact micros.
@Suite("Rate table")
struct RateTableTests {
    @Test("built-in prices are exact micros with a date: 0.0118 is 11,800")
    func builtInMicros() {
        let india = RateTable.builtIn.rates.first { $0.callingCode == "91" && $0.category == "marketing" }
        #expect(india?.priceMicros == 11_800)
        #expect(RateTable.builtIn.asOf == "2025-07-01")
        #expect(RateTable.builtIn.price(e164: "+919812345678", category: "MARKETING") == 11_800)
        #expect(RateTable.builtIn.price(e164: "+4915112345678", category: "marketing") == 136_500)
    }

    @Test("the longest calling code wins, then *, else 0")
    func longestCallingCode() {
        let table = RateTable(currency: "EUR", rates: [
            .init(callingCode: "2", category: "marketing", priceMicros: 1), .init(callingCode: "23", category: "marketing", priceMicros: 2),
            .init(callingCode: "234", category: "marketing", priceMicros: 3), .init(callingCode: "*", category: "marketing", priceMicros: 9),
        ])
        #expect(table.price(e164: "+2348012345678", category: "marketing") == 3)
        #expect(table.price(e164: "+2358012345678", category: "marketing") == 2)
        #expect(table.price(e164: "+2798012345678", category: "marketing") == 1)
        #expect(table.price(e164: "+4915112345678", category: "marketing") == 9)
        #expect(table.price(e164: "+4915112345678", category: "utility") == 0)
    }

    @Test("JSON gives price as an exact decimal and price_micros as the integer")
    func json() throws {
        let table = RateTable(currency: "USD", asOf: "2025-07-01", rates: [.init(callingCode: "91", category: "marketing", priceMicros: 11_800)])
        let text = String(decoding: try JSONEncoder().encode(table), as: UTF8.self)
        #expect(text.contains(#""price":0.0118"#), "\(text)")
        #expect(text.contains(#""price_micros":11800"#), "\(text)")
        #expect(text.contains(#""as_of":"2025-07-01""#), "\(text)")
    }

    @Test("prices parse from numbers and strings with at most 6 decimals")
    func parsePrices() {
        #expect(Micros.parse(number: 0.0118) == 11_800)
        #expect(Micros.parse(number: 0.123456) == 123_456)
        #expect(Micros.parse(number: 0.1234567) == nil)
        #expect(Micros.parse(number: 1e-7) == nil)
        #expect(Micros.parse(number: 1e-6) == 1)
        #expect(Micros.parse(number: 12) == 12_000_000)
        #expect(Micros.parse(number: .infinity) == nil)
        #expect(Micros.parse("0.0118") == 11_800)
        #expect(Micros.parse("0.0000001") == nil)
    }
}
