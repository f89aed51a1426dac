import Foundation
import Testing

@testable import Analytics

@Suite("Money")
struct MoneyTests {
    @Test("micros parse from plain decimals with at most 6 decimals and nothing else")
    func parse() {
        #expect(Micros.parse("0.0250") == 25_000)
        #expect(Micros.parse("12") == 12_000_000)
        #expect(Micros.parse(".5") == 500_000)
        #expect(Micros.parse("-0.000001") == -1)
        #expect(Micros.parse(" 1.08 ") == 1_080_000)
        for bad in ["", "-", ".", "1.", "1.2.3", "1e-3", "0.0000001", "abc", "1,5", "+1", "99999999999999.0"] {
            #expect(Micros.parse(bad) == nil, "\(bad)")
        }
        #expect(Micros.parse(number: 0.0118) == 11_800)
        #expect(Micros.parse(number: 0.1 + 0.2) == nil, "0.30000000000000004 is not a 6-decimal price")
        #expect(Micros.parse(decimal: Decimal(string: "1.234567")!) == 1_234_567)
        #expect(Micros.parse(decimal: Decimal(string: "1.2345678")!) == nil)
    }

    @Test("micros show 4 to 6 decimals without rounding, and decimal is exact")
    func display() {
        #expect(Micros.display(25_000) == "0.0250")
        #expect(Micros.display(11_800) == "0.0118")
        #expect(Micros.display(1) == "0.000001")
        #expect(Micros.display(12_345_678) == "12.345678")
        #expect(Micros.display(-1_500_000) == "-1.5000")
        #expect(Micros.display(0) == "0.0000")
        #expect(Micros(11_800, currency: "USD").decimal == Decimal(string: "0.0118"))
        #expect(Micros.fromUnits(0.0118) == 11_800)
    }

    @Test("minor units show the currency's digits")
    func minor() {
        #expect(Minor.display(8_000, currency: "EUR") == "80.00")
        #expect(Minor.display(5, currency: "usd") == "0.05")
        #expect(Minor.display(1_500, currency: "JPY") == "1500")
        #expect(Minor.display(1_234, currency: "KWD") == "1.234")
        #expect(Minor.display(-250, currency: "EUR") == "-2.50")
        #expect(Minor(8_000, currency: "EUR").micros == 80_000_000)
        #expect(Minor(1_500, currency: "JPY").micros == 1_500_000_000)
        #expect(Minor(1_234, currency: "BHD").micros == 1_234_000)
    }

    @Test("the converter uses the table's rate, keeps the report currency as is, and never takes a missing rate as 1:1")
    func converter() {
        let c = CurrencyConverter(reportCurrency: "usd", rates: ["eur": 1_080_000, "JPY": 6_712, "KWD": 3_254_000])
        #expect(c.convert(minor: 8_000, from: "EUR") == 86_400_000)
        #expect(c.convert(minor: 1_500, from: "jpy") == 10_068_000)
        #expect(c.convert(minor: 1_000, from: "KWD") == 3_254_000)
        #expect(c.convert(micros: 25_000, from: "USD") == 25_000)
        #expect(c.convert(micros: 25_000, from: "GBP") == nil)
        #expect(c.convert(minor: 100, from: "GBP") == nil)
        // Rounded half away from zero at the micro: 1 µEUR × 1.08 = 1.08 µUSD → 1; 5 µJPY × 0.006712 → 0.03356 → 0.
        #expect(c.convert(micros: 1, from: "EUR") == 1)
        #expect(c.convert(micros: 75, from: "JPY") == 1, "0.5034 rounds to 1")
        #expect(c.convert(micros: -75, from: "JPY") == -1)
        // Large amounts stay exact in Int128: ten million euros.
        #expect(c.convert(minor: 1_000_000_000, from: "EUR") == 10_800_000_000_000)
    }

    @Test("a currency is known when it is an ISO 4217 code in use whose minor digits Herald knows")
    func known() {
        for code in ["USD", "eur", "JPY", "KWD", "BRL", "INR"] { #expect(CurrencyExponent.isKnown(code), "\(code)") }
        for code in ["XYZ", "US", "USDD", "", "XAU", "XXX", "CLF"] { #expect(!CurrencyExponent.isKnown(code), "\(code)") }
        #expect(CurrencyExponent.zero.union(CurrencyExponent.three).subtracting(CurrencyExponent.known) == ["UYI"], "only the fund code")
    }
}
