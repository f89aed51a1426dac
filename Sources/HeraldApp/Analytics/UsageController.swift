import Analytics
import Foundation
import Hummingbird

/// `GET /api/analytics/usage`: the workspace's adoption figures (design 8). Every role may read them.
struct UsageController {
    let store: UsageStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("analytics/usage", use: usage)
    }

    @Sendable func usage(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try JSONResponse.make(UsageJSON(try await store.report(context.access.workspaceID)))
    }
}

/// The usage answer: explicit keys, every share and lift `null` without a denominator.
struct UsageJSON: Encodable {
    let report: UsageReport
    init(_ report: UsageReport) { self.report = report }

    struct Campaigns: Encodable {
        let started, segmented, abTested: Int64
        let segmentedShare, abTestedShare: Double?
        enum CodingKeys: String, CodingKey {
            case started, segmented, abTested = "ab_tested", segmentedShare = "segmented_share", abTestedShare = "ab_tested_share"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(started, forKey: .started)
            try c.encode(segmented, forKey: .segmented)
            try c.encode(segmentedShare, forKey: .segmentedShare)
            try c.encode(abTested, forKey: .abTested)
            try c.encode(abTestedShare, forKey: .abTestedShare)
        }
    }

    struct Lift: Encodable {
        let subjectKey, baselineKey: String
        let lift: UsageReport.Lift
        let tests: Int64?
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(lift.subject, forKey: Key(stringValue: subjectKey))
            try c.encode(lift.baseline, forKey: Key(stringValue: baselineKey))
            try c.encode(lift.value, forKey: Key(stringValue: "lift"))
            if let tests { try c.encode(tests, forKey: Key(stringValue: "tests")) }
        }
    }

    enum CodingKeys: String, CodingKey {
        case windowDays = "window_days", campaigns, weeklyActiveUsers = "weekly_active_users", clickRateLift = "click_rate_lift", asOf = "as_of"
    }
    enum LiftKeys: String, CodingKey { case segmented, abWinners = "ab_winners" }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(report.windowDays, forKey: .windowDays)
        try c.encode(
            Campaigns(
                started: report.campaigns, segmented: report.segmented, abTested: report.abTested, segmentedShare: report.segmentedShare,
                abTestedShare: report.abTestedShare
            ), forKey: .campaigns
        )
        try c.encode(report.weeklyActiveUsers, forKey: .weeklyActiveUsers)
        var lifts = c.nestedContainer(keyedBy: LiftKeys.self, forKey: .clickRateLift)
        try lifts.encode(Lift(subjectKey: "segmented", baselineKey: "unsegmented", lift: report.segmentLift, tests: nil), forKey: .segmented)
        try lifts.encode(Lift(subjectKey: "winners", baselineKey: "others", lift: report.abWinnerLift, tests: report.completedTests), forKey: .abWinners)
        try c.encode(report.asOf, forKey: .asOf)
    }
}
