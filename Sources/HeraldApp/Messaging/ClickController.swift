import Foundation
import Hummingbird
import SQLKit
import Storage

/// `GET /r/{token}`: the tracked link behind a campaign's URL button. Records the click and
/// redirects to the campaign's destination (an A/B test message's: its variation's) with UTM parameters.
struct ClickController {
    let database: Database
    let web: WebConsole

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("r/:token", use: click)
    }

    @Sendable func click(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        let d = database.dialect
        let destination: String? = try await database.transaction(retryingConflicts: 3) { sql in
            guard token.count <= 64,
                let row = try await sql.raw(
                    """
                    SELECT m.id, m.workspace_id, m.contact_id, m.campaign_id, m.variation_id, COALESCE(v.cta_url, c.cta_url) AS cta_url,
                        c.name
                    FROM messages m JOIN campaigns c ON c.id = m.campaign_id LEFT JOIN ab_test_variations v ON v.id = m.variation_id
                    WHERE m.click_token = \(bind: token)
                    """
                ).first(),
                let url = try row.decode(column: "cta_url", as: String?.self)
            else { return nil }
            let messageID = try row.decode(column: "id", as: UUID.self)
            let variation = try row.decode(column: "variation_id", as: UUID?.self)
            // Every click is an event (no dedupe key); the writer keeps the message's click count and first click.
            try await EventWriter.recordAndFlush([EventRecord(
                workspaceID: try row.decode(column: "workspace_id", as: UUID.self), contactID: try row.decode(column: "contact_id", as: UUID.self),
                campaignID: try row.decode(column: "campaign_id", as: UUID.self), messageID: messageID, variationID: variation, type: "clicked",
                at: Date(), dedupeKey: nil
            )], dialect: d, in: sql)
            return Self.withUTM(url, campaign: try row.decode(column: "name", as: String.self), variation: variation)
        }
        guard let destination else {
            return web.render(
                "notfound", title: "Link not found", path: "", access: nil,
                values: ["message": "This link is not valid, or the campaign it belonged to was removed."], status: .notFound
            )
        }
        return Response(status: .found, headers: [.location: destination, .cacheControl: "no-store"])
    }

    /// Adds utm_source, utm_medium, utm_campaign (and utm_content for a variation) unless the URL sets them.
    static func withUTM(_ url: String, campaign: String, variation: UUID?) -> String {
        guard var components = URLComponents(string: url) else { return url }
        var items = components.queryItems ?? []
        let existing = Set(items.map(\.name))
        let slug = campaign.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        var add: [(String, String)] = [("utm_source", "whatsapp"), ("utm_medium", "herald"), ("utm_campaign", slug)]
        if let variation { add.append(("utm_content", variation.uuidString.lowercased())) }
        for (name, value) in add where !existing.contains(name) { items.append(URLQueryItem(name: name, value: value)) }
        components.queryItems = items
        return components.string ?? url
    }
}
