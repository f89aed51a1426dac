import Analytics
import Foundation
import Hummingbird

/// `/api/analytics`: campaign metrics, comparison, the dashboard overview and segment performance, read from the
/// rollup cells (docs/design-analytics.md 5.1-5.4). Every role may read them.
struct AnalyticsController {
    let store: AnalyticsStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("analytics/campaigns/compare", use: compare)
        group.get("analytics/campaigns/{id}/metrics", use: campaignMetrics)
        group.get("analytics/campaigns/{id}/segments", use: segments)
        group.get("analytics/dashboard/overview", use: overview)
    }

    /// The request's filter; a segment that is not the workspace's is a 400 like any bad value.
    func filter(_ request: Request, _ context: AuthenticatedContext) async throws -> AnalyticsFilter {
        let workspace = try await store.workspace(context.access.workspaceID)
        let filter = try AnalyticsFilter(request: request, timeZone: workspace.timeZone)
        if let segmentID = filter.segmentID, try await !store.segmentExists(context.access.workspaceID, segmentID) {
            throw APIError(.badRequest, "invalid_parameter", "segment_id names no saved segment of this workspace", field: "segment_id")
        }
        return filter
    }

    func campaignID(_ context: AuthenticatedContext) throws -> UUID {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("the campaign") }
        return id
    }

    @Sendable func campaignMetrics(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try campaignID(context)
        let filter = try await filter(request, context)
        guard let report = try await store.campaignMetrics(context.access.workspaceID, campaignID: id, filter: filter) else {
            throw APIError.notFound("the campaign")
        }
        return try JSONResponse.make(report)
    }

    @Sendable func segments(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        guard let report = try await store.segmentPerformance(context.access.workspaceID, campaignID: try campaignID(context)) else {
            throw APIError.notFound("the campaign")
        }
        return try JSONResponse.make(report)
    }

    @Sendable func compare(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let filter = try await filter(request, context)
        let ids = request.uri.queryParameters[values: "ids"].flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
        do {
            return try JSONResponse.make(try await store.compare(context.access.workspaceID, ids: ids, filter: filter))
        } catch let problem as ComparisonProblem {
            let limits = AnalyticsStore.compareLimits
            switch problem {
            case .tooFew: throw APIError.invalid("ids", "compare at least \(limits.lowerBound) campaigns", code: "too_few_campaigns")
            case .tooMany: throw APIError.invalid("ids", "compare at most \(limits.upperBound) campaigns", code: "too_many_campaigns")
            case .unknownCampaign(let id): throw APIError.invalid("ids", "campaign \(id) was not found in this workspace", code: "unknown_campaign")
            }
        }
    }

    @Sendable func overview(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let filter = try await filter(request, context)
        let topBy: TopCampaignsBy
        if let text = request.uri.queryParameters["top_by"] {
            guard let value = TopCampaignsBy(rawValue: String(text)) else {
                throw APIError(.badRequest, "invalid_parameter", "top_by must be ctr, conversion_rate or roi", field: "top_by")
            }
            topBy = value
        } else {
            topBy = .ctr
        }
        return try JSONResponse.make(try await store.overview(context.access.workspaceID, filter: filter, topBy: topBy))
    }
}
