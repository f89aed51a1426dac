import Foundation
import Hummingbird

/// The Segments pages: the list, and the builder for a new or a saved segment. The builder itself is drawn by
/// `segments.js` from JSON blocks in the page and saves, previews and refreshes through `/api/segments`.
extension WebPages {
    var segmentStore: SegmentStore { services.segments.store }

    @Sendable func segments(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        let notice = FormData.query(request)["done"] == "deleted" ? "Segment deleted." : nil
        return try await segmentsPage(access: access, values: notice.map { ["notice": $0] } ?? [:])
    }

    func segmentsPage(access: Access, values extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let zone = try await services.workspaces.find(id: access.workspaceID)?.timeZone ?? "UTC"
        let now = Date()
        let rows = try await segmentStore.list(workspaceID: access.workspaceID).map { s -> [String: Any] in
            [
                "id": s.id.uuidString.lowercased(), "name": s.name, "kind": s.kind.rawValue, "count": Self.grouped(s.contactCount),
                "description": s.description ?? "", "refreshedAgo": s.refreshedAt.map { Self.ago($0, now: now) } ?? "never",
                "refreshedAt": Self.present(s.refreshedAt.map { Self.display($0, timeZone: zone) }), "refreshError": Self.present(s.refreshError),
            ]
        }
        var values: [String: Any] = ["segments": rows, "hasSegments": !rows.isEmpty, "pageScript": "segments.js"]
        values.merge(extra) { $1 }
        return console.render("segments", title: "Segments", path: "/segments", access: access, values: values, status: status)
    }

    @Sendable func newSegment(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        guard access.role.canWrite else {
            return try await segmentsPage(access: access, values: ["error": "Your role cannot create segments."], status: .forbidden)
        }
        let values = try await SegmentBuilderModel(pages: self, access: access, segment: nil).values()
        return console.render("segment", title: "New segment", path: "/segments", access: access, values: values)
    }

    @Sendable func segment(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let segment = try await segmentStore.find(workspaceID: access.workspaceID, id: id)
        else { throw HTTPError(.notFound) }
        var values = try await SegmentBuilderModel(pages: self, access: access, segment: segment).values()
        if FormData.query(request)["done"] == "saved" { values["notice"] = "Segment saved." }
        return console.render("segment", title: segment.name, path: "/segments", access: access, values: values)
    }

    /// A count with thousands separators, as the list shows it: `12,345`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (index, char) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(char)
        }
        return n < 0 ? "-" + out : out
    }

    /// `1 contact`, `12,345 contacts`.
    static func contacts(_ n: Int) -> String { n == 1 ? "1 contact" : "\(grouped(n)) contacts" }

    /// How long ago, roughly: `just now`, `12 min ago`, `3 h ago`, `5 days ago`.
    static func ago(_ date: Date, now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<60: return "just now"
        case ..<3600: return "\(seconds / 60) min ago"
        case ..<86_400: return "\(seconds / 3600) h ago"
        default:
            let days = seconds / 86_400
            return days == 1 ? "1 day ago" : "\(days) days ago"
        }
    }
}
