import Foundation

/// Finds `{{1}}` and `{{first_name}}` variables in template text.
enum TemplateVariables {
    /// One variable occurrence: its name and where the `{{…}}` sits in the text.
    struct Occurrence {
        var name: String
        var range: Range<String.Index>
    }

    /// Every occurrence, in order of appearance.
    static func occurrences(in text: String) -> [Occurrence] {
        var found: [Occurrence] = []
        var searchStart = text.startIndex
        while let open = text.range(of: "{{", range: searchStart..<text.endIndex) {
            guard let close = text.range(of: "}}", range: open.upperBound..<text.endIndex) else { break }
            let name = String(text[open.upperBound..<close.lowerBound])
            if isVariableName(name) {
                found.append(Occurrence(name: name, range: open.lowerBound..<close.upperBound))
                searchStart = close.upperBound
            } else {
                // Not a variable (e.g. "{{{1}}"): look again one character later.
                searchStart = text.index(after: open.lowerBound)
            }
        }
        return found
    }

    /// Variable names in order of first appearance, without repeats.
    static func names(in text: String) -> [String] {
        var seen: Set<String> = []
        return occurrences(in: text).map(\.name).filter { seen.insert($0).inserted }
    }

    /// Replaces each variable with its value; a variable without a value stays visible as `{{name}}`.
    static func render(_ text: String, values: [String: String]) -> String {
        var result = ""
        var cursor = text.startIndex
        for occurrence in occurrences(in: text) {
            result += text[cursor..<occurrence.range.lowerBound]
            result += values[occurrence.name] ?? String(text[occurrence.range])
            cursor = occurrence.range.upperBound
        }
        result += text[cursor...]
        return result
    }

    static func isVariableName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { isASCIIAlphanumeric($0) || $0 == "_" }
    }

    static func isPositional(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
