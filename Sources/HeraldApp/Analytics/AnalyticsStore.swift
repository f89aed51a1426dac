import Analytics
import Foundation
import SQLKit
import Storage

/// Reads the metrics of campaigns, comparisons and the dashboard: sums over the rollup cells (never raw events), or,
/// with a segment, over the message rows of the segment's members now (docs/design-analytics.md 5).
struct AnalyticsStore: Sendable {
    let database: Database

    /// What a reading needs to know about its workspace.
    struct Workspace: Sendable {
        var timeZone: TimeZone
        /// The report currency.
        var currency: String
        var converter: CurrencyConverter
        var rebuildRequestedAt: Date?
        var rebuiltAt: Date?
        /// A rebuild was asked for and has not finished since: the numbers may be incomplete.
        var rebuilding: Bool {
            guard let requested = rebuildRequestedAt else { return false }
            return rebuiltAt.map { $0 < requested } ?? true
        }
    }

    func workspace(_ workspaceID: UUID) async throws -> Workspace {
        try await database.read { sql in
            let zoneName =
                try await sql.raw("SELECT time_zone FROM workspaces WHERE id = \(bind: workspaceID)").first()?
                .decode(column: "time_zone", as: String.self) ?? "UTC"
            let converter = try await CurrencyRateStore.converter(workspaceID: workspaceID, in: sql)
            let state = try await sql.raw(
                "SELECT rebuild_requested_at, rebuilt_at FROM analytics_state WHERE workspace_id = \(bind: workspaceID)"
            ).first()
            return Workspace(
                timeZone: TimeZone(identifier: zoneName) ?? TimeZone(identifier: "UTC")!, currency: converter.reportCurrency, converter: converter,
                rebuildRequestedAt: try state?.decode(column: "rebuild_requested_at", as: Date?.self),
                rebuiltAt: try state?.decode(column: "rebuilt_at", as: Date?.self)
            )
        }
    }

    /// A campaign as the pickers and tables name it.
    struct CampaignName: Sendable, Equatable {
        var id: UUID
        var name: String
        var status: String
    }

    /// The workspace's campaigns with `ids` (all when nil), newest first.
    func campaigns(_ workspaceID: UUID, ids: [UUID]? = nil, limit: Int = 500) async throws -> [CampaignName] {
        if let ids, ids.isEmpty { return [] }
        return try await database.read { sql in
            let only: SQLQueryString = ids.map { " AND id IN (\(binds: $0))" } ?? ""
            return try await sql.raw(
                """
                SELECT id, name, status FROM campaigns WHERE workspace_id = \(bind: workspaceID)\(only)
                ORDER BY created_at DESC, id LIMIT \(bind: limit)
                """
            ).all().map {
                CampaignName(
                    id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self),
                    status: try $0.decode(column: "status", as: String.self)
                )
            }
        }
    }

    /// Names of A/B test variations by id.
    func variationNames(_ workspaceID: UUID, ids: [UUID]) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return try await database.read { sql in
            var names: [UUID: String] = [:]
            for row in try await sql.raw(
                "SELECT id, name FROM ab_test_variations WHERE workspace_id = \(bind: workspaceID) AND id IN (\(binds: ids))"
            ).all() {
                names[try row.decode(column: "id", as: UUID.self)] = try row.decode(column: "name", as: String.self)
            }
            return names
        }
    }

    /// Whether the workspace has a saved segment with this id.
    func segmentExists(_ workspaceID: UUID, _ segmentID: UUID) async throws -> Bool {
        try await database.read { sql in
            try await sql.raw("SELECT 1 AS one FROM segments WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: segmentID)").first() != nil
        }
    }

    /// Sums the selection by `grouping`: from the cells, or from message rows when it names a segment.
    func tally(_ selection: CellSelection, by grouping: TallyGrouping) async throws -> [TallyKey: AnalyticsTally] {
        try await database.read { sql in
            selection.segmentID == nil
                ? try await Self.cellTally(selection, by: grouping, in: sql)
                : try await Self.messageTally(selection, by: grouping, dialect: database.dialect, in: sql)
        }
    }
}
