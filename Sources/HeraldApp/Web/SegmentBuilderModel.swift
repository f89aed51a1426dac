import Foundation
import SQLKit
import Segments

/// What the segment builder page needs: the saved segment (if any), the field catalog, and the choices its
/// pickers offer (products, categories, campaigns, saved segments) with the workspace's currency, all as JSON for
/// `segments.js`.
struct SegmentBuilderModel {
    let pages: WebPages
    let access: Access
    let segment: Segment?

    /// What the pickers choose from. Lists are capped so a large shop still gets a page of reasonable size;
    /// the builder's search filters them in the browser.
    struct Options: Encodable {
        let currency: String
        let currencySymbol: String
        let timeZone: String
        let products: [Choice]
        let categories: [Choice]
        let campaigns: [Choice]
        let segments: [Choice]
    }

    struct Choice: Encodable {
        let id: String
        let name: String
        /// A second line for the picker: a product's SKU and category, a campaign's status, a segment's kind and count.
        let detail: String?

        init(id: UUID, name: String, detail: String?) {
            self.id = id.uuidString.lowercased()
            self.name = name
            self.detail = detail
        }
    }

    static let productLimit = 5000
    static let categoryLimit = 2000
    static let campaignLimit = 500

    func values() async throws -> [String: Any] {
        let services = pages.services
        let workspaceID = access.workspaceID
        let workspace = try await services.workspaces.find(id: workspaceID)
        let zone = workspace?.timeZone ?? "UTC"
        let currency = workspace?.currency ?? "USD"
        let catalog = try await FieldCatalog.load(services.database, workspaceID: workspaceID)
        let saved = try await pages.segmentStore.list(workspaceID: workspaceID).map {
            Choice(id: $0.id, name: $0.name, detail: "\($0.kind.rawValue), \(WebPages.contacts($0.contactCount))")
        }
        let (products, categories, campaigns) = try await pickerChoices()
        let options = Options(
            currency: currency, currencySymbol: Self.symbol(currency), timeZone: zone, products: products, categories: categories,
            campaigns: campaigns, segments: saved
        )
        var values: [String: Any] = [
            "isNew": segment == nil, "name": segment?.name ?? "", "description": segment?.description ?? "",
            "kindDynamic": segment?.kind != .static, "kindStatic": segment?.kind == .static, "timeZone": zone,
            "catalogJSON": Self.scriptJSON(catalog), "optionsJSON": Self.scriptJSON(options), "segmentJSON": Self.scriptJSON(segment),
            "pageScript": "segments.js",
        ]
        if let segment {
            values["id"] = segment.id.uuidString.lowercased()
            values["kind"] = segment.kind.rawValue
            values["count"] = WebPages.grouped(segment.contactCount)
            values["refreshedAt"] = segment.refreshedAt.map { WebPages.display($0, timeZone: zone) } ?? "never"
            values["refreshMs"] = WebPages.present(segment.refreshMs.map { String(format: "%.1f ms", $0) })
            values["refreshError"] = WebPages.present(segment.refreshError)
        }
        return values
    }

    func pickerChoices() async throws -> (products: [Choice], categories: [Choice], campaigns: [Choice]) {
        let workspaceID = access.workspaceID
        return try await pages.services.database.read { sql in
            let products = try await sql.raw(
                """
                SELECT p.id, p.name, p.external_id, c.name AS category FROM products p LEFT JOIN categories c ON c.id = p.category_id
                WHERE p.workspace_id = \(bind: workspaceID) ORDER BY p.name, p.id LIMIT \(bind: Self.productLimit)
                """
            ).all().map { row in
                let sku = try row.decode(column: "external_id", as: String.self)
                let category = try row.decode(column: "category", as: String?.self)
                return Choice(
                    id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                    detail: category.map { "\(sku) · \($0)" } ?? sku
                )
            }
            let categories = try await sql.raw(
                "SELECT id, name FROM categories WHERE workspace_id = \(bind: workspaceID) ORDER BY name LIMIT \(bind: Self.categoryLimit)"
            ).all().map { Choice(id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self), detail: nil) }
            let campaigns = try await sql.raw(
                """
                SELECT id, name, status FROM campaigns WHERE workspace_id = \(bind: workspaceID) ORDER BY created_at DESC
                LIMIT \(bind: Self.campaignLimit)
                """
            ).all().map {
                Choice(
                    id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self),
                    detail: try $0.decode(column: "status", as: String.self)
                )
            }
            return (products, categories, campaigns)
        }
    }

    /// The symbol the builder puts before money amounts (`$`, `€`, `£`); the code itself when there is none.
    static func symbol(_ currency: String) -> String {
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "en_US")
        formatter.numberStyle = .currency
        formatter.currencyCode = currency
        let symbol = formatter.currencySymbol ?? currency
        return symbol.isEmpty ? currency : symbol
    }

    /// JSON for a `<script type="application/json">` block, written with `{{{…}}}`. The block's text is not
    /// HTML-decoded, so mustache's escaping would corrupt it; instead every `<`, `>` and `&` becomes a JSON
    /// escape, so no value (a segment named `</script>…`) can end the block or start markup.
    static func scriptJSON(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISODate.format(date))
        }
        let text = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        return
            text
            .replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026").replacingOccurrences(of: "\u{2028}", with: "\\u2028")
            .replacingOccurrences(of: "\u{2029}", with: "\\u2029")
    }
}
