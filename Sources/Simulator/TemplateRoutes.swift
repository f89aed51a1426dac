import Foundation
import Hummingbird

/// `GET` and `POST /{waba-id}/message_templates`.
struct TemplateRoutes: Sendable {
    let state: SimulatorState

    func create(_ request: Request) async throws(GraphError) -> Response {
        let buffer = try await collect(request, upTo: 1 << 20)
        let template = try Wire.decode(TemplateDraft.self, from: buffer, snakeCase: false).validated()
        let id = try await state.createTemplate(template)
        return Wire.response(Created(id: String(id), category: template.category))
    }

    /// A page of templates in creation order; cursors are opaque (base64url of a template id).
    func list(_ request: Request, version: String) async -> Response {
        let query = request.uri.queryParameters
        let limit = min(max(query.get("limit").flatMap { Int($0) } ?? 25, 1), 1000)
        let after = query.get("after").flatMap(Self.templateID(cursor:))
        let name = query.get("name")
        let status = query.get("status")
        let (page, hasMore, total) = await state.listTemplates(after: after, limit: limit, name: name, status: status)
        var listing = Listing(data: page.map(Listing.Item.init), summary: .init(totalCount: total, messageTemplateCount: total))
        if let first = page.first, let last = page.last {
            var next: String?
            if hasMore {
                let authority = request.head.authority ?? "\(state.config.host):\(state.config.port)"
                var items = [URLQueryItem(name: "limit", value: String(limit)), URLQueryItem(name: "after", value: Self.cursor(last.id))]
                if let name { items.append(URLQueryItem(name: "name", value: name)) }
                if let status { items.append(URLQueryItem(name: "status", value: status)) }
                var components = URLComponents()
                components.queryItems = items
                next = "http://\(authority)/\(version)/\(state.config.wabaID)/message_templates?\(components.percentEncodedQuery ?? "")"
            }
            listing.paging = .init(cursors: .init(before: Self.cursor(first.id), after: Self.cursor(last.id)), next: next)
        }
        return Wire.response(listing, snakeCase: false)
    }

    static func cursor(_ id: Int) -> String {
        Data(String(id).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func templateID(cursor: String) -> Int? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).flatMap { String(data: $0, encoding: .utf8) }.flatMap { Int($0) }
    }

    struct Created: Encodable {
        var id: String
        var status = "PENDING"
        var category: String
    }

    /// Encoded without key conversion: the component JSON must pass through untouched.
    struct Listing: Encodable {
        struct Item: Encodable {
            var id, name, language, status, category: String
            /// Meta lists it for every template; one created without it is POSITIONAL.
            var parameterFormat: String
            var components: [JSONValue]

            enum CodingKeys: String, CodingKey {
                case id, name, language, status, category, components
                case parameterFormat = "parameter_format"
            }

            init(_ record: SimulatorState.TemplateRecord) {
                let t = record.template
                (id, name, language, status, category) = (String(record.id), t.name, t.language, t.status, t.category)
                (parameterFormat, components) = (t.parameterFormat ?? "POSITIONAL", t.components)
            }
        }
        struct Paging: Encodable {
            struct Cursors: Encodable { var before, after: String }
            var cursors: Cursors
            var next: String?
        }
        /// As Meta answers it beside the list (clients such as pywa read it): counts over every page.
        struct Summary: Encodable {
            var totalCount: Int
            var messageTemplateCount: Int
            var messageTemplateLimit = 250
            var areTranslationsComplete = true

            enum CodingKeys: String, CodingKey {
                case totalCount = "total_count", messageTemplateCount = "message_template_count"
                case messageTemplateLimit = "message_template_limit", areTranslationsComplete = "are_translations_complete"
            }
        }
        var data: [Item]
        var summary: Summary
        var paging: Paging?
    }
}
