/// A button of a template's BUTTONS component.
public struct TemplateButton: Sendable, Equatable, Codable {
    /// `QUICK_REPLY`, `URL`, `PHONE_NUMBER`, `COPY_CODE` (or another type Meta adds).
    public var type: String
    /// The label (at most 25 characters).
    public var text: String
    /// For a URL button: the URL, possibly ending in one `{{1}}` variable.
    public var url: String?
    /// For a PHONE_NUMBER button: the number to call.
    public var phoneNumber: String?
    /// Sample values: the full example URL for a URL button, the code for a COPY_CODE button.
    public var example: [String]?

    public init(type: String, text: String, url: String? = nil, phoneNumber: String? = nil, example: [String]? = nil) {
        self.type = type
        self.text = text
        self.url = url
        self.phoneNumber = phoneNumber
        self.example = example
    }

    public static func quickReply(_ text: String) -> TemplateButton {
        TemplateButton(type: "QUICK_REPLY", text: text)
    }

    public static func url(_ text: String, url: String, example: String? = nil) -> TemplateButton {
        TemplateButton(type: "URL", text: text, url: url, example: example.map { [$0] })
    }

    public static func phoneNumber(_ text: String, number: String) -> TemplateButton {
        TemplateButton(type: "PHONE_NUMBER", text: text, phoneNumber: number)
    }

    /// Whether this is a URL button whose URL carries a `{{…}}` variable.
    public var hasURLVariable: Bool {
        type == "URL" && !TemplateVariables.names(in: url ?? "").isEmpty
    }

    enum CodingKeys: String, CodingKey {
        case type, text, url
        case phoneNumber = "phone_number"
        case example
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        text = try container.decodeIfPresent(String.self, forKey: .text) ?? ""
        url = try container.decodeIfPresent(String.self, forKey: .url)
        phoneNumber = try container.decodeIfPresent(String.self, forKey: .phoneNumber)
        // A URL button's example is a list; a COPY_CODE button's is a single string.
        if let list = try? container.decodeIfPresent([String].self, forKey: .example) {
            example = list
        } else {
            example = (try? container.decodeIfPresent(String.self, forKey: .example)).flatMap { $0.map { [$0] } }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(text, forKey: .text)
        try container.encodeIfPresent(url, forKey: .url)
        try container.encodeIfPresent(phoneNumber, forKey: .phoneNumber)
        if type == "COPY_CODE", let code = example?.first {
            try container.encode(code, forKey: .example)
        } else {
            try container.encodeIfPresent(example, forKey: .example)
        }
    }
}
