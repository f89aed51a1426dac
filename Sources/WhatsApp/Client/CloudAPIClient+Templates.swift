extension CloudAPIClient {
    /// The most pages `listTemplates` follows, a guard against a server that never stops paging.
    static let maxTemplatePages = 200

    /// Every template of the business account, following the cursor paging to the end.
    public func listTemplates() async throws -> [TemplateDefinition] {
        var templates: [TemplateDefinition] = []
        var request = CloudAPIRequest.listTemplates(after: nil, endpoint: endpoint, credentials: credentials)
        var seenCursors: Set<String> = []
        for _ in 0..<Self.maxTemplatePages {
            let (status, body) = try await perform(request)
            let page = try CloudAPIResponse.decode(status: status, body: body, TemplatePage.init(jsonBody:))
            templates += page.templates
            guard let next = Self.nextRequest(after: page, endpoint: endpoint, credentials: credentials, seenCursors: &seenCursors) else {
                break
            }
            request = next
        }
        return templates
    }

    /// Submits a template for review.
    public func createTemplate(_ draft: TemplateDefinition) async throws -> TemplateCreation {
        let (status, body) = try await perform(.createTemplate(draft, endpoint: endpoint, credentials: credentials))
        return try CloudAPIResponse.decode(status: status, body: body, TemplateCreation.init(jsonBody:))
    }

    /// The request for the page after `page`, or nil on the last page. The `after` cursor is
    /// preferred over `paging.next` so the configured base URL (simulator, proxy) stays in use;
    /// a `paging.next` elsewhere is not followed, as it would carry the access token there.
    static func nextRequest(
        after page: TemplatePage,
        endpoint: CloudAPIEndpoint,
        credentials: WhatsAppCredentials,
        seenCursors: inout Set<String>
    ) -> CloudAPIRequest? {
        guard page.hasMore, !page.templates.isEmpty else { return nil }
        if let cursor = page.afterCursor {
            guard seenCursors.insert(cursor).inserted else { return nil }
            return .listTemplates(after: cursor, endpoint: endpoint, credentials: credentials)
        }
        guard let next = page.next, next.hasPrefix(endpoint.baseURL + "/"), seenCursors.insert(next).inserted else { return nil }
        return .nextPage(next, credentials: credentials)
    }
}
