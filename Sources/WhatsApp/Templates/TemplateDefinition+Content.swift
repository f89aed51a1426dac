extension TemplateDefinition {
    /// The first component of a type (`HEADER`, `BODY`, `FOOTER`, `BUTTONS`), matched case-insensitively.
    public func component(_ type: String) -> TemplateComponent? {
        components.first { $0.type.uppercased() == type.uppercased() }
    }

    /// The header's format: `TEXT`, `IMAGE`, `VIDEO`, `DOCUMENT`, `LOCATION`, or nil without a header.
    public var headerFormat: String? { component("HEADER").map { $0.format?.uppercased() ?? "TEXT" } }

    /// The text of a TEXT header.
    public var headerText: String? { component("HEADER")?.text }

    /// The body text with its variables.
    public var bodyText: String? { component("BODY")?.text }

    /// The footer text.
    public var footerText: String? { component("FOOTER")?.text }

    /// All buttons, in order; a button's position here is its `index` when sending.
    public var buttons: [TemplateButton] { component("BUTTONS")?.buttons ?? [] }

    /// The body's variables in order of first appearance: `["1", "2"]` or `["first_name"]`.
    public var bodyVariables: [String] { TemplateVariables.names(in: bodyText ?? "") }

    /// The TEXT header's variables in order of first appearance.
    public var headerVariables: [String] { TemplateVariables.names(in: headerText ?? "") }

    /// Whether parameters are sent with `parameter_name`.
    public var usesNamedParameters: Bool { parameterFormat?.uppercased() == "NAMED" }

    /// The index of the first URL button whose URL has a variable: the button that takes a per-recipient suffix.
    public var urlButtonIndex: Int? { buttons.firstIndex { $0.hasURLVariable } }

    /// Whether the template has a URL button at all.
    public var hasURLButton: Bool { buttons.contains { $0.type == "URL" } }

    /// The quick-reply buttons with their indexes among all buttons.
    public var quickReplyButtons: [(index: Int, text: String)] {
        buttons.enumerated().filter { $0.element.type == "QUICK_REPLY" }.map { (index: $0.offset, text: $0.element.text) }
    }

    /// The body with variables replaced by `values` (keyed `"1"` or `"first_name"`); missing values stay visible as `{{1}}`.
    public func renderBody(values: [String: String]) -> String {
        TemplateVariables.render(bodyText ?? "", values: values)
    }

    /// The TEXT header with variables replaced, like `renderBody(values:)`.
    public func renderHeader(values: [String: String]) -> String? {
        headerText.map { TemplateVariables.render($0, values: values) }
    }
}
