/// PDF string syntax.
public enum PDFString {
    /// A text string (document title, metadata): a literal `( … )` with `\ ( )` and control characters escaped when
    /// the text is printable ASCII, else UTF-16BE hex with a byte-order mark, which every reader decodes.
    public static func text(_ string: String) -> String {
        if string.unicodeScalars.allSatisfy({ $0.value < 0x7F }) { return literal(string) }
        var hex = "<FEFF"
        for unit in string.utf16 { hex += hex4(Int(unit)) }
        return hex + ">"
    }

    static func literal(_ string: String) -> String {
        var out = "("
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "(": out += "\\("
            case ")": out += "\\)"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let octal = String(scalar.value, radix: 8)
                    out += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + ")"
    }

    /// Four upper-case hex digits (a glyph id or a UTF-16 unit).
    static func hex4(_ value: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// A name object's characters: letters, digits and `-`, everything else dropped (font names).
    static func name(_ string: String) -> String {
        let kept = string.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
        return kept.isEmpty ? "Font" : String(String.UnicodeScalarView(kept))
    }
}
