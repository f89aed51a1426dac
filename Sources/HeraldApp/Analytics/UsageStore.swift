import Analytics
import Foundation
import SQLKit
import Storage

/// How a workspace uses Herald (the PRD's success metrics, docs/design-analytics.md 8): over the campaigns started in
/// the last 90 days that were not imported, the share with a saved segment and with an A/B test, the click-rate lift
/// of segmented over unsegmented campaigns and of A/B winners over the other arms, and the weekly active console users.
struct UsageReport: Sendable, Equatable {
    /// Clicked of delivered for two groups and the relative lift of the first over the second (nil without both rates).
    struct Lift: Sendable, Equatable {
        var subject: Rate
        var baseline: Rate
        var value: Double? {
            guard let s = subject.value, let b = baseline.value, b > 0 else { return nil }
            return s / b - 1
        }
    }

    var windowDays: Int
    var campaigns: Int64
    var segmented: Int64
    var abTested: Int64
    var segmentedShare: Double? { campaigns == 0 ? nil : Double(segmented) / Double(campaigns) }
    var abTestedShare: Double? { campaigns == 0 ? nil : Double(abTested) / Double(campaigns) }
    var weeklyActiveUsers: Int64
    /// Segmented campaigns (subject) against unsegmented ones (baseline), pooled over their cells.
    var segmentLift: Lift
    /// Completed A/B tests: the winning variations' test-phase messages (subject) against the other arms' (baseline).
    var abWinnerLift: Lift
    var completedTests: Int64
    var asOf: Date
}

struct UsageStore: Sendable {
    let database: Database
    static let windowDays = 90
    static let activeDays = 7

    func report(_ workspaceID: UUID, now: Date = Date()) async throws -> UsageReport {
        let since = now.addingTimeInterval(-Double(Self.windowDays) * 86_400)
        let firstActiveDay = Self.day(now.addingTimeInterval(-Double(Self.activeDays - 1) * 86_400))
        return try await database.read { sql in
            // Campaigns in the window: started (not imported) since `since`.
            let inWindow: SQLQueryString = "c.workspace_id = \(bind: workspaceID) AND c.started_at >= \(bind: since) AND c.status <> 'imported'"
            let shares = try await sql.raw(
                """
                SELECT COUNT(*) AS campaigns,
                    CAST(SUM(CASE WHEN c.segment_id IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS segmented,
                    CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM ab_tests t WHERE t.campaign_id = c.id) THEN 1 ELSE 0 END) AS BIGINT) AS ab_tested
                FROM campaigns c WHERE \(inWindow)
                """
            ).first()
            var segmented = Rate(numerator: 0, denominator: 0, base: .delivered), unsegmented = segmented
            for row in try await sql.raw(
                """
                SELECT CASE WHEN c.segment_id IS NULL THEN 0 ELSE 1 END AS segmented, CAST(SUM(a.clicked) AS BIGINT) AS clicked, CAST(SUM(a.delivered) AS BIGINT) AS delivered
                FROM analytics_cells a JOIN campaigns c ON c.id = a.campaign_id
                WHERE a.workspace_id = \(bind: workspaceID) AND \(inWindow)
                GROUP BY CASE WHEN c.segment_id IS NULL THEN 0 ELSE 1 END
                """
            ).all() {
                let rate = Rate(
                    numerator: try row.decode(column: "clicked", as: Int64?.self) ?? 0, denominator: try row.decode(column: "delivered", as: Int64?.self) ?? 0,
                    base: .delivered
                )
                if try row.decode(column: "segmented", as: Int.self) == 1 { segmented = rate } else { unsegmented = rate }
            }
            var winners = Rate(numerator: 0, denominator: 0, base: .delivered), others = winners
            for row in try await sql.raw(
                """
                SELECT CASE WHEN m.variation_id = t.winner_variation_id THEN 1 ELSE 0 END AS winner,
                    COUNT(m.clicked_at) AS clicked, COUNT(m.delivered_at) AS delivered
                FROM ab_tests t JOIN campaigns c ON c.id = t.campaign_id
                    JOIN messages m ON m.campaign_id = t.campaign_id AND m.ab_phase = 'test' AND m.variation_id IS NOT NULL
                WHERE t.workspace_id = \(bind: workspaceID) AND t.status = 'completed' AND t.winner_variation_id IS NOT NULL AND \(inWindow)
                GROUP BY CASE WHEN m.variation_id = t.winner_variation_id THEN 1 ELSE 0 END
                """
            ).all() {
                let rate = Rate(
                    numerator: try row.decode(column: "clicked", as: Int64.self), denominator: try row.decode(column: "delivered", as: Int64.self),
                    base: .delivered
                )
                if try row.decode(column: "winner", as: Int.self) == 1 { winners = rate } else { others = rate }
            }
            let tests = try await sql.raw(
                """
                SELECT COUNT(*) AS tests FROM ab_tests t JOIN campaigns c ON c.id = t.campaign_id
                WHERE t.workspace_id = \(bind: workspaceID) AND t.status = 'completed' AND t.winner_variation_id IS NOT NULL AND \(inWindow)
                """
            ).first()
            let active = try await sql.raw(
                """
                SELECT COUNT(DISTINCT user_id) AS users FROM user_activity
                WHERE workspace_id = \(bind: workspaceID) AND day >= \(bind: firstActiveDay)
                """
            ).first()
            return UsageReport(
                windowDays: Self.windowDays, campaigns: try shares?.decode(column: "campaigns", as: Int64.self) ?? 0,
                segmented: try shares?.decode(column: "segmented", as: Int64?.self) ?? 0,
                abTested: try shares?.decode(column: "ab_tested", as: Int64?.self) ?? 0,
                weeklyActiveUsers: try active?.decode(column: "users", as: Int64.self) ?? 0,
                segmentLift: .init(subject: segmented, baseline: unsegmented), abWinnerLift: .init(subject: winners, baseline: others),
                completedTests: try tests?.decode(column: "tests", as: Int64.self) ?? 0, asOf: now
            )
        }
    }

    /// The workspaces the `/metrics` gauges are kept for.
    func workspaceIDs() async throws -> [UUID] {
        try await database.read { sql in
            try await sql.raw("SELECT id FROM workspaces ORDER BY id").all().map { try $0.decode(column: "id", as: UUID.self) }
        }
    }

    /// Records that a console user was active today (UTC); a second call the same day writes nothing.
    func recordActivity(userID: UUID, workspaceID: UUID, day: String) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO user_activity (user_id, workspace_id, day) VALUES (\(bind: userID), \(bind: workspaceID), \(bind: day))
                ON CONFLICT (user_id, day) DO NOTHING
                """
            ).run()
        }
    }

    /// `YYYY-MM-DD` in UTC.
    static func day(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day())
    }
}
