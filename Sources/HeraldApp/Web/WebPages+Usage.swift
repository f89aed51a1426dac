import Analytics
import Foundation
import Hummingbird

extension WebPages {
    /// Settings › Usage: the adoption figures of `GET /api/analytics/usage` as cards (design 8).
    @Sendable func usage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        let report = try await UsageStore(database: services.database).report(access.workspaceID)
        func share(_ part: Int64, _ value: Double?) -> String { value.map { ChartFormat.percent($0, decimals: 0) } ?? "–" }
        func lift(_ value: Double?) -> String { value.map { ($0 >= 0 ? "+" : "") + ChartFormat.percent($0, decimals: 0) } ?? "–" }
        let cards = [
            MetricCard(key: "campaigns", label: "Campaigns started", value: AnalyticsText.count(report.campaigns), detail: "last \(report.windowDays) days, imports left out"),
            MetricCard(
                key: "segmented", label: "With a saved segment", value: share(report.segmented, report.segmentedShare),
                detail: "\(AnalyticsText.count(report.segmented)) of \(AnalyticsText.count(report.campaigns)) campaigns"
            ),
            MetricCard(
                key: "ab_tested", label: "With an A/B test", value: share(report.abTested, report.abTestedShare),
                detail: "\(AnalyticsText.count(report.abTested)) of \(AnalyticsText.count(report.campaigns)) campaigns"
            ),
            MetricCard(key: "weekly_active_users", label: "Weekly active users", value: AnalyticsText.count(report.weeklyActiveUsers), detail: "console users, last 7 days (UTC)"),
            MetricCard(
                key: "segment_lift", label: "Click-rate lift of segmented campaigns", value: lift(report.segmentLift.value),
                detail: "\(AnalyticsText.rate(report.segmentLift.subject)) segmented vs \(AnalyticsText.rate(report.segmentLift.baseline)) unsegmented, of delivered"
            ),
            MetricCard(
                key: "ab_winner_lift", label: "Click-rate lift of A/B winners", value: lift(report.abWinnerLift.value),
                detail: "\(AnalyticsText.rate(report.abWinnerLift.subject)) winners vs \(AnalyticsText.rate(report.abWinnerLift.baseline)) other arms, \(report.completedTests) completed tests"
            ),
        ]
        return console.render(
            "usage", title: "Usage · Settings", path: "/settings", access: access,
            values: ["cards": cards.map(\.values), "windowDays": report.windowDays, "tabUsage": true]
        )
    }
}
