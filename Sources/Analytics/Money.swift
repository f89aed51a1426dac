import Foundation

/// ISO 4217 minor-unit digits: how many decimals a currency's smallest unit has (cents: 2).
public enum CurrencyExponent {
    static let zero: Set<String> = ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"]
    static let three: Set<String> = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]

    /// Minor digits of `currency` (upper-cased ISO code); 2 for every code not listed as 0 or 3.
    public static func digits(_ currency: String) -> Int {
        let code = currency.uppercased()
        if zero.contains(code) { return 0 }
        if three.contains(code) { return 3 }
        return 2
    }

    /// 10 to the power of the currency's minor digits.
    public static func minorPerUnit(_ currency: String) -> Int64 {
        [1, 10, 100, 1000][digits(currency)]
    }
}

/// An amount in millionths of a currency unit (1 USD = 1,000,000; Meta's 0.0250 USD = 25,000): exact for per-message
/// prices, which are fractions of a cent.
public struct Micros: Hashable, Sendable, Codable {
    public static let perUnit: Int64 = 1_000_000
    public var value: Int64
    public var currency: String

    public init(_ value: Int64, currency: String) {
        self.value = value
        self.currency = currency
    }

    /// The amount as a decimal number of units, exact ("0.025" for 25,000).
    public var decimal: Decimal { Decimal(value) / Decimal(Self.perUnit) }

    /// Shown with at least 4 and at most 6 decimals ("0.0250", "0.011800" → "0.0118", "12.345678"), rounding nothing.
    public var display: String { Self.display(value) }

    public static func display(_ value: Int64) -> String {
        let negative = value < 0
        let magnitude = value.magnitude
        let units = magnitude / UInt64(perUnit), fraction = magnitude % UInt64(perUnit)
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.count > 4 && digits.hasSuffix("0") { digits.removeLast() }
        return (negative ? "-" : "") + "\(units).\(digits)"
    }

    /// Parses a decimal number of units with at most 6 decimals ("0.0250" → 25,000); nil when it is not a plain
    /// decimal, has more than 6 decimals, or does not fit.
    public static func parse(_ text: String) -> Int64? {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if s.hasPrefix("-") { negative = true; s = s.dropFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty || parts.count == 2,
              whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let fractionText = parts.count == 2 ? parts[1] : ""
        guard fractionText.count <= 6, fractionText.allSatisfy({ $0.isASCII && $0.isNumber }), !(parts.count == 2 && fractionText.isEmpty) else { return nil }
        guard let units = whole.isEmpty ? 0 : Int64(whole) else { return nil }
        let fraction = Int64(fractionText + String(repeating: "0", count: 6 - fractionText.count)) ?? 0
        let (scaled, overflow) = units.multipliedReportingOverflow(by: perUnit)
        guard !overflow else { return nil }
        let (sum, overflow2) = scaled.addingReportingOverflow(fraction)
        guard !overflow2 else { return nil }
        return negative ? -sum : sum
    }

    /// Micros from an exact decimal number of units; nil when it has more than 6 decimals or does not fit.
    public static func parse(decimal: Decimal) -> Int64? {
        guard decimal.isFinite else { return nil }
        var scaled = decimal * Decimal(perUnit), whole = Decimal()
        NSDecimalRound(&whole, &scaled, 0, .plain)
        guard whole == scaled, whole.magnitude <= Decimal(Int64.max) else { return nil }
        let value = NSDecimalNumber(decimal: whole).int64Value
        return Decimal(value) == whole ? value : nil
    }

    /// Micros from a JSON number as written in its shortest form (0.0118 → 11,800); nil when that form has more than 6
    /// decimals (0.1234567), is not finite, or does not fit.
    public static func parse(number: Double) -> Int64? {
        guard number.isFinite, let decimal = Decimal(string: "\(number)", locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        return parse(decimal: decimal)
    }

    /// Micros from a price given as a Double (migration and legacy input): rounded to the nearest micro.
    public static func fromUnits(_ units: Double) -> Int64 { Int64((units * Double(perUnit)).rounded()) }
}

/// An amount in a currency's minor units (cents), as orders store it.
public struct Minor: Hashable, Sendable, Codable {
    public var value: Int64
    public var currency: String

    public init(_ value: Int64, currency: String) {
        self.value = value
        self.currency = currency
    }

    /// Shown with the currency's minor digits ("80.00" for 8,000 cents, "1500" for 1,500 yen).
    public var display: String { Self.display(value, currency: currency) }

    public static func display(_ value: Int64, currency: String) -> String {
        let digits = CurrencyExponent.digits(currency)
        if digits == 0 { return String(value) }
        let per = UInt64(CurrencyExponent.minorPerUnit(currency))
        let magnitude = value.magnitude
        var fraction = String(magnitude % per)
        fraction = String(repeating: "0", count: digits - fraction.count) + fraction
        return (value < 0 ? "-" : "") + "\(magnitude / per).\(fraction)"
    }

    /// The same amount in micro-units of its currency (exact).
    public var micros: Int64 { value * (Micros.perUnit / CurrencyExponent.minorPerUnit(currency)) }
}

/// Converts amounts into the workspace's report currency with an editable table of rates: `rates[c]` is how many
/// micro-units of the report currency one unit of `c` is worth. A currency without a rate is never taken as 1:1.
public struct CurrencyConverter: Sendable {
    public var reportCurrency: String
    public var rates: [String: Int64]

    public init(reportCurrency: String, rates: [String: Int64]) {
        self.reportCurrency = reportCurrency.uppercased()
        self.rates = Dictionary(rates.map { ($0.key.uppercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// Micros of `currency` in micros of the report currency, rounded half away from zero; nil without a rate.
    public func convert(micros: Int64, from currency: String) -> Int64? {
        let code = currency.uppercased()
        if code == reportCurrency { return micros }
        guard let rate = rates[code] else { return nil }
        return Self.divideRounded(Int128(micros) * Int128(rate), by: Int128(Micros.perUnit))
    }

    /// Minor units of `currency` in micros of the report currency; nil without a rate.
    public func convert(minor: Int64, from currency: String) -> Int64? {
        let code = currency.uppercased()
        // In Int128 throughout: a large total in a currency without minor digits (VND) overflows Int64 as micros.
        let micros = Int128(minor) * Int128(Micros.perUnit / CurrencyExponent.minorPerUnit(code))
        if code == reportCurrency { return Int64(clamping: micros) }
        guard let rate = rates[code] else { return nil }
        return Self.divideRounded(micros * Int128(rate), by: Int128(Micros.perUnit))
    }

    static func divideRounded(_ numerator: Int128, by denominator: Int128) -> Int64 {
        let half = denominator / 2
        let q = numerator >= 0 ? (numerator + half) / denominator : (numerator - half) / denominator
        return Int64(clamping: q)
    }
}
