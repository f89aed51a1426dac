/// RFC 4180 records for report exports (CRLF line ends, quoting when needed). A field a spreadsheet would run as a
/// formula (starting with = + - @ tab or CR) gets a leading apostrophe, as `Contacts.CSVWriter` does, except phone
/// numbers ("+" and digits) and plain decimal numbers ("-0.25": a negative ROI is a value, and must stay one).
/// Written here rather than imported so the pure Analytics module keeps no dependency for 30 lines.
public enum ReportCSV {
    public static func row(_ fields: [String]) -> String {
        fields.map { escape(neutralise($0)) }.joined(separator: ",") + "\r\n"
    }

    static func neutralise(_ field: String) -> String {
        guard let first = field.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return field }
        let rest = field.unicodeScalars.dropFirst()
        if first == "+", !rest.isEmpty, rest.allSatisfy({ ("0"..."9").contains($0) }) { return field }
        if first == "-", isPlainNumber(String(String.UnicodeScalarView(rest))) { return field }
        return "'" + field
    }

    static func isPlainNumber(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy { ("0"..."9").contains($0) } }
    }

    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
