import Foundation

/// Numbers and text as charts and reports write them, identical on every host (no locale).
public enum ChartFormat {
    /// 10000 → "10,000"; -1234 → "-1,234".
    public static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A fraction as a percentage with at most `decimals` decimals, trailing zeros dropped: 0.412 → "41.2 %",
    /// 0.95 → "95 %".
    public static func percent(_ fraction: Double, decimals: Int = 1) -> String {
        decimal(fraction * 100, decimals: decimals) + " %"
    }

    /// A number rounded to at most `decimals` decimals, grouped, trailing zeros dropped: 1234.5 → "1,234.5".
    public static func decimal(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "–" }
        let scale = pow(10, Double(decimals))
        let scaled = (abs(value) * scale).rounded()
        let whole = Int64(scaled / scale)
        var fraction = String(Int64(scaled) - whole * Int64(scale))
        fraction = String(repeating: "0", count: max(0, decimals - fraction.count)) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let sign = value < 0 && scaled != 0 ? "-" : ""
        return sign + grouped(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// `string` shortened with "…" so that it is at most `width` points wide at `size` (whole when it fits).
    public static func fitting(_ string: String, width: Double, size: Double, weight: ChartText.Weight = .regular) -> String {
        if ChartText.width(string, size: size, weight: weight) <= width { return string }
        var characters = Array(string.precomposedStringWithCanonicalMapping)
        while !characters.isEmpty {
            characters.removeLast()
            let candidate = String(characters).trimmingCharacters(in: .whitespaces) + "…"
            if ChartText.width(candidate, size: size, weight: weight) <= width { return candidate }
        }
        return ""
    }

    /// A coordinate or operand for SVG and PDF: at most `decimals` decimals, no grouping, no exponent ("12.5", "-0.25").
    static func plain(_ value: Double, decimals: Int = 2) -> String {
        guard value.isFinite else { return "0" }
        let text = decimal(value, decimals: decimals)
        return text.replacingOccurrences(of: ",", with: "")
    }
}
