import Foundation
import SQLKit

/// What the console's analytics pages need beside the metrics: the choices of their pickers.
extension AnalyticsStore {
    /// A saved segment as the segment picker names it.
    struct SegmentName: Sendable, Equatable {
        var id: UUID
        var name: String
    }

    /// The workspace's saved segments by name.
    func segmentNames(_ workspaceID: UUID) async throws -> [SegmentName] {
        try await database.read { sql in
            try await sql.raw("SELECT id, name FROM segments WHERE workspace_id = \(bind: workspaceID) ORDER BY name, id").all().map {
                SegmentName(id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self))
            }
        }
    }

    /// The countries the workspace's cells know, for the country picker (ISO codes, unknown left out).
    func countries(_ workspaceID: UUID) async throws -> [String] {
        try await database.read { sql in
            try await sql.raw(
                "SELECT DISTINCT country FROM analytics_cells WHERE workspace_id = \(bind: workspaceID) AND country <> '' ORDER BY country"
            ).all().map { try $0.decode(column: "country", as: String.self) }
        }
    }
}
