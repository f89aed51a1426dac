/// One page of `GET /{waba-id}/message_templates`; `CloudAPIClient.listTemplates` follows the pages for you.
public struct TemplatePage: Sendable, Equatable {
    public var templates: [TemplateDefinition]
    /// `paging.cursors.after`.
    public var afterCursor: String?
    /// `paging.next`; Meta leaves it out on the last page (the cursors are still there).
    public var next: String?

    public var hasMore: Bool { next != nil }

    public init(templates: [TemplateDefinition], afterCursor: String? = nil, next: String? = nil) {
        self.templates = templates
        self.afterCursor = afterCursor
        self.next = next
    }

    public init?(jsonBody bytes: [UInt8]) {
        guard let wire = try? WireJSON.decode(Wire.self, from: bytes) else { return nil }
        self.init(templates: wire.data ?? [], afterCursor: wire.paging?.cursors?.after, next: wire.paging?.next)
    }

    /// The page as the Graph API would send it (for the simulator and tests).
    public func jsonBody() -> [UInt8] {
        let paging = Wire.Paging(cursors: afterCursor.map { .init(before: nil, after: $0) }, next: next)
        return WireJSON.encode(Wire(data: templates, paging: paging))
    }

    private struct Wire: Codable {
        struct Paging: Codable {
            struct Cursors: Codable {
                var before: String?
                var after: String?
            }
            var cursors: Cursors?
            var next: String?
        }
        var data: [TemplateDefinition]?
        var paging: Paging?
    }
}
