import Foundation

/// What sending a template requires, read once from its component JSON.
struct TemplateShape: Sendable {
    struct URLButton: Sendable {
        var index: Int
        var url: String
        var hasVariable: Bool
    }

    struct QuickReply: Sendable {
        var index: Int
        var text: String
    }

    /// `TEXT`, `IMAGE`, `VIDEO`, `DOCUMENT` or `LOCATION`; `nil` without a header.
    var headerFormat: String?
    var headerVariables: [String] = []
    var bodyText: String?
    var bodyVariables: [String] = []
    var footerText: String?
    var buttons: [(type: String, text: String)] = []
    var urlButtons: [URLButton] = []
    var quickReplies: [QuickReply] = []

    /// Whether the header needs an image, video or document parameter.
    var headerMediaType: String? {
        guard let format = headerFormat, ["IMAGE", "VIDEO", "DOCUMENT"].contains(format) else { return nil }
        return format.lowercased()
    }

    init(components: [JSONValue]) {
        for component in components {
            switch component["type"]?.stringValue?.uppercased() {
            case "HEADER":
                headerFormat = component["format"]?.stringValue?.uppercased() ?? "TEXT"
                headerVariables = Self.variables(in: component["text"]?.stringValue ?? "")
            case "BODY":
                bodyText = component["text"]?.stringValue ?? ""
                bodyVariables = Self.variables(in: bodyText ?? "")
            case "FOOTER":
                footerText = component["text"]?.stringValue ?? ""
            case "BUTTONS":
                for (index, button) in (component["buttons"]?.arrayValue ?? []).enumerated() {
                    let type = button["type"]?.stringValue?.uppercased() ?? ""
                    let text = button["text"]?.stringValue ?? ""
                    buttons.append((type, text))
                    if type == "URL", let url = button["url"]?.stringValue {
                        urlButtons.append(URLButton(index: index, url: url, hasVariable: !Self.variables(in: url).isEmpty))
                    } else if type == "QUICK_REPLY" {
                        quickReplies.append(QuickReply(index: index, text: text))
                    }
                }
            default:
                continue
            }
        }
    }

    /// Distinct `{{1}}` or `{{name}}` placeholders, in order of first appearance.
    static func variables(in text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else { break }
            let name = after[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !found.contains(name) {
                found.append(name)
            }
            rest = after[close.upperBound...]
        }
        return found
    }
}
