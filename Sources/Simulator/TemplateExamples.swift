/// Meta's rule, checked when a template is created: every variable comes with a sample value
/// (`example` on the header, body and URL buttons), and a media header with a sample file handle.
enum TemplateExamples {
    /// Throws error 100 naming the first component whose example is missing or incomplete.
    static func check(_ components: [JSONValue], named: Bool) throws(GraphError) {
        for (index, component) in components.enumerated() {
            let type = component["type"]?.stringValue?.uppercased() ?? ""
            let example = component["example"]
            let place = "components[\(index)] (\(type))"
            switch type {
            case "HEADER":
                let format = component["format"]?.stringValue?.uppercased() ?? "TEXT"
                if ["IMAGE", "VIDEO", "DOCUMENT"].contains(format) {
                    guard !strings(example?["header_handle"]).isEmpty else {
                        throw missing("\(place): a \(format) header needs example.header_handle, the handle of an uploaded sample file.")
                    }
                } else {
                    let variables = TemplateShape.variables(in: component["text"]?.stringValue ?? "")
                    let positional = strings(example?["header_text"])
                    try check(
                        variables,
                        named: named,
                        place: place,
                        positional: positional,
                        positionalKey: "header_text",
                        example: example,
                        namedKey: "header_text_named_params"
                    )
                }
            case "BODY":
                let variables = TemplateShape.variables(in: component["text"]?.stringValue ?? "")
                let positional = strings(example?["body_text"]?.arrayValue?.first)
                try check(
                    variables,
                    named: named,
                    place: place,
                    positional: positional,
                    positionalKey: "body_text",
                    example: example,
                    namedKey: "body_text_named_params"
                )
            case "BUTTONS":
                for (number, button) in (component["buttons"]?.arrayValue ?? []).enumerated() {
                    guard button["type"]?.stringValue?.uppercased() == "URL", let url = button["url"]?.stringValue,
                        !TemplateShape.variables(in: url).isEmpty
                    else { continue }
                    let sample = button["example"]?.stringValue.map { [$0] } ?? strings(button["example"])
                    guard !sample.isEmpty else {
                        throw missing("\(place): URL button \(number) has a variable in its url but no example, a full sample URL.")
                    }
                }
            default:
                continue
            }
        }
    }

    private static func check(
        _ variables: [String],
        named: Bool,
        place: String,
        positional: [String],
        positionalKey: String,
        example: JSONValue?,
        namedKey: String
    ) throws(GraphError) {
        guard !variables.isEmpty else { return }
        let list = variables.map { "{{\($0)}}" }.joined(separator: ", ")
        if named {
            let given = Set((example?[namedKey]?.arrayValue ?? []).compactMap { $0["param_name"]?.stringValue })
            let absent = variables.filter { !given.contains($0) }
            guard absent.isEmpty else {
                throw missing("\(place): example.\(namedKey) has no sample for \(absent.map { "{{\($0)}}" }.joined(separator: ", ")).")
            }
        } else if positional.count != variables.count {
            throw missing(
                "\(place): the text has \(variables.count) variables (\(list)) but example.\(positionalKey) gives \(positional.count) values."
            )
        }
    }

    private static func strings(_ value: JSONValue?) -> [String] {
        (value?.arrayValue ?? []).compactMap(\.stringValue).filter { !$0.isEmpty }
    }

    private static func missing(_ details: String) -> GraphError {
        .invalidParameter("Param \(details) Meta requires a sample value for every variable.")
    }
}
