import Experiments
import Foundation
import Hummingbird

/// `POST /api/ab-tests/plan`: what a test of this size can detect (design section 8). Reads only; viewers may plan.
extension ABTestController {
    func addPlanRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("ab-tests/plan", use: plan)
    }

    @Sendable func plan(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let workspaceID = context.access.workspaceID
        let reader = try FieldReader(try await request.jsonBody(context: context), path: "")
        let input = try ABTestPlanInput(reader)
        let planner = ABTestPlanner(services: services)
        let audienceSize: Int
        if let given = input.audienceSize {
            audienceSize = given
        } else {
            if let segmentID = input.audience.segmentID, try await services.segments.store.find(workspaceID: workspaceID, id: segmentID) == nil {
                throw APIError.invalid("audience.segment_id", "segment_id is not a saved segment of this workspace")
            }
            var category: String?
            if let templateID = input.templateID {
                guard let template = try await services.templates.find(workspaceID: workspaceID, id: templateID) else {
                    throw APIError.invalid("template_id", "template_id is not a synced template of this workspace")
                }
                category = template.category
            }
            audienceSize = try await planner.audienceSize(workspaceID: workspaceID, audience: input.audience, category: category)
        }
        var history: (messages: Int, successes: Int)?
        if input.baselineRate == nil {
            history = try await planner.history(workspaceID: workspaceID, metric: input.metric, windowSeconds: input.outcomeWindowSeconds)
        }
        let baseline = ABTestPlanning.baseline(entered: input.baselineRate, history: history)
        if let lift = input.wantedLift, let rate = baseline.rate, rate * (1 + lift) >= 1 {
            throw APIError.invalid(
                "wanted_lift",
                "a lift of \(Int((lift * 100).rounded())) % on a rate of \(ABTestPlanning.percent(rate)) passes 100 %"
            )
        }
        return try JSONResponse.make(
            ABTestPlanning.plan(
                audienceSize: audienceSize,
                testPercentage: input.testPercentage,
                shares: input.shares,
                metric: input.metric,
                baseline: baseline,
                wantedLift: input.wantedLift
            )
        )
    }
}
