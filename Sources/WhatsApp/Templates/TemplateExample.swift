/// Sample values for a component's variables, in Meta's `example` shape.
public struct TemplateExample: Sendable, Equatable, Codable {
    /// A sample for one named variable.
    public struct NamedValue: Sendable, Equatable, Codable {
        public var paramName: String
        public var example: String

        public init(paramName: String, example: String) {
            self.paramName = paramName
            self.example = example
        }

        enum CodingKeys: String, CodingKey {
            case paramName = "param_name"
            case example
        }
    }

    /// Samples for a TEXT header's positional variables.
    public var headerText: [String]?
    /// Samples for the body's positional variables (Meta nests one list inside another).
    public var bodyText: [[String]]?
    /// Uploaded sample media for an IMAGE, VIDEO or DOCUMENT header.
    public var headerHandle: [String]?
    /// Samples for a TEXT header's named variables.
    public var headerTextNamedParams: [NamedValue]?
    /// Samples for the body's named variables.
    public var bodyTextNamedParams: [NamedValue]?

    public init(
        headerText: [String]? = nil,
        bodyText: [[String]]? = nil,
        headerHandle: [String]? = nil,
        headerTextNamedParams: [NamedValue]? = nil,
        bodyTextNamedParams: [NamedValue]? = nil
    ) {
        self.headerText = headerText
        self.bodyText = bodyText
        self.headerHandle = headerHandle
        self.headerTextNamedParams = headerTextNamedParams
        self.bodyTextNamedParams = bodyTextNamedParams
    }

    enum CodingKeys: String, CodingKey {
        case headerText = "header_text"
        case bodyText = "body_text"
        case headerHandle = "header_handle"
        case headerTextNamedParams = "header_text_named_params"
        case bodyTextNamedParams = "body_text_named_params"
    }
}
