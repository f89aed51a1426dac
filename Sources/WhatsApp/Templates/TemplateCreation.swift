/// Meta's answer to a template submission: the new template's ID and its review status.
public struct TemplateCreation: Sendable, Equatable {
    public var id: String
    /// Usually `PENDING`; `APPROVED` for some utility templates approved at once, `REJECTED` otherwise.
    public var status: String
    /// The category Meta assigned, which can differ from the one requested.
    public var category: String?

    public init(id: String, status: String, category: String? = nil) {
        self.id = id
        self.status = status
        self.category = category
    }

    /// Parses `{"id","status","category"}`; nil when the body is not one.
    public init?(jsonBody bytes: [UInt8]) {
        guard let wire = try? WireJSON.decode(Wire.self, from: bytes) else { return nil }
        self.init(id: wire.id.value, status: wire.status ?? "PENDING", category: wire.category)
    }

    private struct Wire: Decodable {
        var id: LenientString
        var status: String?
        var category: String?
    }

    /// The create request body: only the fields Meta accepts, never `id` or `status`.
    static func requestBody(for draft: TemplateDefinition) -> [UInt8] {
        WireJSON.encode(
            Draft(
                name: draft.name,
                language: draft.language,
                category: draft.category,
                parameterFormat: draft.parameterFormat,
                components: draft.components
            )
        )
    }

    private struct Draft: Encodable {
        var name: String
        var language: String
        var category: String
        var parameterFormat: String?
        var components: [TemplateComponent]
        enum CodingKeys: String, CodingKey {
            case name, language, category
            case parameterFormat = "parameter_format"
            case components
        }
    }
}
