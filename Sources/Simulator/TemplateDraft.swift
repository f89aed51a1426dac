/// The body of `POST /{waba-id}/message_templates`, checked against Meta's limits.
struct TemplateDraft: Decodable, Sendable {
    var name: String?
    var language: String?
    var category: String?
    var parameterFormat: String?
    var components: [JSONValue]?

    enum CodingKeys: String, CodingKey {
        case name, language, category, components
        case parameterFormat = "parameter_format"
    }

    /// The template to store, or Meta's error 100 naming the first broken rule.
    func validated() throws(GraphError) -> SimulatedTemplate {
        guard let name, !name.isEmpty, name.utf8.count <= 512, name.utf8.allSatisfy({ Self.nameBytes.contains($0) }) else {
            throw .invalidParameter("Param name must be 1 to 512 lowercase letters, digits and underscores.", subcode: 2_388_042)
        }
        guard let language, !language.isEmpty else { throw .invalidParameter("Param language is required.") }
        let category = (category ?? "").uppercased()
        guard ["MARKETING", "UTILITY", "AUTHENTICATION"].contains(category) else {
            throw .invalidParameter("Param category must be one of {MARKETING, UTILITY, AUTHENTICATION}.")
        }
        if let parameterFormat, !["POSITIONAL", "NAMED"].contains(parameterFormat.uppercased()) {
            throw .invalidParameter("Param parameter_format must be one of {POSITIONAL, NAMED}.")
        }
        let components = components ?? []
        let shape = TemplateShape(components: components)
        guard let body = shape.bodyText, !body.isEmpty else { throw .invalidParameter("A BODY component with text is required.") }
        guard body.count <= 1024 else {
            throw .invalidParameter("Body text is \(body.count) characters; the limit is 1024.", subcode: 2_388_040)
        }
        if let footer = shape.footerText, footer.count > 60 {
            throw .invalidParameter("Footer text is \(footer.count) characters; the limit is 60.", subcode: 2_388_040)
        }
        for button in shape.buttons where button.text.isEmpty || button.text.count > 25 {
            throw .invalidParameter("Button text must be 1 to 25 characters: \"\(button.text)\".", subcode: 2_388_040)
        }
        try TemplateExamples.check(components, named: parameterFormat?.uppercased() == "NAMED")
        return SimulatedTemplate(
            name: name,
            language: language,
            category: category,
            status: "PENDING",
            parameterFormat: parameterFormat?.uppercased(),
            components: components
        )
    }

    private static let nameBytes = Set("abcdefghijklmnopqrstuvwxyz0123456789_".utf8)
}
