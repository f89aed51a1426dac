import Analytics
import Foundation
import SQLKit

struct SegmentMetrics: Sendable, Equatable {
    var id: UUID
    var name: String
    /// The campaign's messages to contacts who are members of the segment now.
    var recipients: Int64
    var summary: MetricsSummary
}

/// `GET /api/analytics/campaigns/{id}/segments`: the campaign's numbers for each saved segment's members now.
struct SegmentPerformanceReport: Sendable {
    var campaign: AnalyticsStore.CampaignName
    var segments: [SegmentMetrics]
    var asOf: Date
}

extension AnalyticsStore {
    /// Every saved segment of the workspace, those without a recipient of this campaign with zeros; nil when the
    /// workspace has no such campaign.
    func segmentPerformance(_ workspaceID: UUID, campaignID: UUID, now: Date = Date()) async throws -> SegmentPerformanceReport? {
        guard let campaign = try await campaigns(workspaceID, ids: [campaignID]).first else { return nil }
        let workspace = try await workspace(workspaceID)
        let segments = try await database.read { sql in
            try await sql.raw("SELECT id, name FROM segments WHERE workspace_id = \(bind: workspaceID) ORDER BY name, id").all().map {
                (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "name", as: String.self))
            }
        }
        var selection = CellSelection(
            workspaceID: workspaceID, filter: try AnalyticsFilter.parse([:], timeZone: workspace.timeZone, now: now), allTime: true)
        selection.campaignIDs = [campaignID]
        let campaignMessages = selection
        let rows = try await database.read { sql in
            try await Self.messageTally(campaignMessages, by: [.segment], dialect: database.dialect, in: sql)
        }
        var bySegment: [UUID: AnalyticsTally] = [:]
        for (key, t) in rows { if let id = key.segmentID { bySegment[id, default: AnalyticsTally()].add(t) } }
        return SegmentPerformanceReport(
            campaign: campaign,
            segments: segments.map { id, name in
                let t = bySegment[id] ?? AnalyticsTally()
                return SegmentMetrics(id: id, name: name, recipients: t.messages, summary: MetricsSummary(t, converter: workspace.converter))
            },
            asOf: now
        )
    }
}
