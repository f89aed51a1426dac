/// One part of a template: `HEADER`, `BODY`, `FOOTER` or `BUTTONS`.
public struct TemplateComponent: Sendable, Equatable, Codable {
    /// `HEADER`, `BODY`, `FOOTER` or `BUTTONS` (Meta may add others, e.g. `CAROUSEL`).
    public var type: String
    /// For a header: `TEXT`, `IMAGE`, `VIDEO`, `DOCUMENT` or `LOCATION`.
    public var format: String?
    /// The text of a TEXT header, body or footer, with `{{…}}` variables.
    public var text: String?
    /// The buttons of a BUTTONS component.
    public var buttons: [TemplateButton]?
    /// Sample values for the variables, which Meta requires when a template is created.
    public var example: TemplateExample?

    public init(
        type: String,
        format: String? = nil,
        text: String? = nil,
        buttons: [TemplateButton]? = nil,
        example: TemplateExample? = nil
    ) {
        self.type = type
        self.format = format
        self.text = text
        self.buttons = buttons
        self.example = example
    }

    public static func header(text: String, example: TemplateExample? = nil) -> TemplateComponent {
        TemplateComponent(type: "HEADER", format: "TEXT", text: text, example: example)
    }

    public static func header(format: String, example: TemplateExample? = nil) -> TemplateComponent {
        TemplateComponent(type: "HEADER", format: format, example: example)
    }

    public static func body(_ text: String, example: TemplateExample? = nil) -> TemplateComponent {
        TemplateComponent(type: "BODY", text: text, example: example)
    }

    public static func footer(_ text: String) -> TemplateComponent {
        TemplateComponent(type: "FOOTER", text: text)
    }

    public static func buttons(_ buttons: [TemplateButton]) -> TemplateComponent {
        TemplateComponent(type: "BUTTONS", buttons: buttons)
    }

    enum CodingKeys: String, CodingKey {
        case type, format, text, buttons, example
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        format = try container.decodeIfPresent(String.self, forKey: .format)
        text = try container.decodeIfPresent(String.self, forKey: .text)
        buttons = try container.decodeIfPresent([TemplateButton].self, forKey: .buttons)
        // Examples vary by component and change with Meta's versions; one we cannot read is not worth failing a list for.
        example = try? container.decodeIfPresent(TemplateExample.self, forKey: .example)
    }
}
