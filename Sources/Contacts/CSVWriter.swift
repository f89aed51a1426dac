/// Writes CSV records that `CSVParser` and spreadsheet programs read back safely.
public enum CSVWriter {
    /// One CSV record ending in "\r\n". Fields containing a comma, quote, CR or LF are
    /// quoted with inner quotes doubled. Fields a spreadsheet would run as a formula
    /// (starting with =, +, -, @, tab or CR) get a leading apostrophe, except phone
    /// numbers made only of "+" and digits, such as "+4915112345678". A record holding
    /// a single empty field is written as `""` so that it is not read as a blank line.
    public static func row(_ fields: [String]) -> String {
        // A lone empty field would be an empty line, which readers skip.
        if fields == [""] { return "\"\"\r\n" }
        var line = ""
        for (index, field) in fields.enumerated() {
            if index > 0 { line += "," }
            line += escape(neutraliseFormula(field))
        }
        return line + "\r\n"
    }

    private static func neutraliseFormula(_ field: String) -> String {
        guard let first = field.utf8.first, formulaStarts.contains(first) else { return field }
        if isPhoneNumber(field) { return field }
        return "'" + field
    }

    private static let formulaStarts: Set<UInt8> = [
        UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"),
        UInt8(ascii: "\t"), UInt8(ascii: "\r"),
    ]

    /// "+" followed by one or more ASCII digits and nothing else.
    private static func isPhoneNumber(_ field: String) -> Bool {
        let utf8 = field.utf8
        return utf8.count > 1 && utf8.first == UInt8(ascii: "+")
            && utf8.dropFirst().allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    private static func escape(_ field: String) -> String {
        let needsQuotes = field.utf8.contains { byte in
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"")
                || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
        }
        guard needsQuotes else { return field }
        var quoted = "\""
        for scalar in field.unicodeScalars {
            if scalar == "\"" { quoted += "\"" }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "\""
    }
}
