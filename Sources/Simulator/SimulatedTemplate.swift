/// A message template as the fake Meta knows it: Meta's own component JSON plus, optionally,
/// how recipients react to it.
public struct SimulatedTemplate: Sendable, Codable, Equatable {
    public var name: String
    /// Language code, e.g. `en_US`.
    public var language: String
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    public var category: String
    /// `APPROVED`, `PENDING`, `REJECTED`, `PAUSED` or `DISABLED`; only APPROVED templates can be sent.
    public var status: String
    /// `POSITIONAL` or `NAMED`, as given at creation.
    public var parameterFormat: String?
    /// Meta's component JSON (`HEADER`, `BODY`, `FOOTER`, `BUTTONS`).
    public var components: [JSONValue]
    /// Reactions to this template; `nil` uses the simulator's default behaviour.
    public var behaviour: TemplateBehaviour?

    public init(
        name: String,
        language: String = "en_US",
        category: String = "MARKETING",
        status: String = "APPROVED",
        parameterFormat: String? = nil,
        components: [JSONValue],
        behaviour: TemplateBehaviour? = nil
    ) {
        self.name = name
        self.language = language
        self.category = category
        self.status = status
        self.parameterFormat = parameterFormat
        self.components = components
        self.behaviour = behaviour
    }

    enum CodingKeys: String, CodingKey {
        case name, language, category, status, components, behaviour
        case parameterFormat = "parameter_format"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            language: try c.decodeIfPresent(String.self, forKey: .language) ?? "en_US",
            category: try c.decodeIfPresent(String.self, forKey: .category)?.uppercased() ?? "MARKETING",
            status: try c.decodeIfPresent(String.self, forKey: .status)?.uppercased() ?? "APPROVED",
            parameterFormat: try c.decodeIfPresent(String.self, forKey: .parameterFormat),
            components: try c.decodeIfPresent([JSONValue].self, forKey: .components) ?? [],
            behaviour: try c.decodeIfPresent(TemplateBehaviour.self, forKey: .behaviour)
        )
    }
}
