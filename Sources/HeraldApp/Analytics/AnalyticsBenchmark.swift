import Analytics
import Foundation
import SQLKit
import Storage

/// `herald bench analytics` (docs/benchmarks.md, "Analytics"): the dashboards' figures read from the rollups, timed beside
/// the same figures computed by scanning raw events, alternating in one run, with the numbers checked equal.
public struct AnalyticsBenchmark: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public struct Result: Sendable, Codable {
        public let name: String
        public let rollupMilliseconds: [Double]
        public let scanMilliseconds: [Double]
        /// The counts both paths found (sent, delivered, read, clicked, clicks, replied, replies, failed); equal or the run fails.
        public let counts: [Int64]
    }

    public struct Mismatch: Error, CustomStringConvertible {
        public let name: String
        public let rollup: [Int64]
        public let scan: [Int64]
        public var description: String { "\(name): rollups say \(rollup), raw events say \(scan)" }
    }

    struct Case {
        let name: String
        let rollup: @Sendable () async throws -> [Int64]
        let scan: @Sendable () async throws -> [Int64]
    }

    /// Runs each case `warmups` times untimed, then `runs` rollup reads and `scanRuns` scans interleaved.
    public func run(workspaceID: UUID, runs: Int, warmups: Int, scanRuns: Int, now: Date = Date()) async throws -> [Result] {
        let store = AnalyticsStore(database: database)
        let workspace = try await store.workspace(workspaceID)
        var cases: [Case] = []
        for days in [30, 365] {
            let filter = try AnalyticsFilter.parse(
                ["from": [Self.day(now.addingTimeInterval(-Double(days - 1) * 86_400), workspace.timeZone)], "to": [Self.day(now, workspace.timeZone)]],
                timeZone: workspace.timeZone, now: now
            )
            cases.append(Case(
                name: "overview, last \(days) days",
                rollup: { Self.counts(try await store.overview(workspaceID, filter: filter, topBy: .ctr, now: now).summary.metrics.counts) },
                scan: { try await scan(workspaceID: workspaceID, campaignID: nil, from: filter.startBucket, to: filter.endBucket) }
            ))
        }
        if let largest = try await largestCampaign(workspaceID) {
            let filter = try AnalyticsFilter.parse(["granularity": ["hour"]], timeZone: workspace.timeZone, now: now)
            cases.append(Case(
                name: "campaign metrics (largest campaign, all time, hourly series)",
                rollup: { Self.counts(try await store.campaignMetrics(workspaceID, campaignID: largest, filter: filter, now: now)!.summary.metrics.counts) },
                scan: { try await scan(workspaceID: workspaceID, campaignID: largest, from: nil, to: nil) }
            ))
        }
        var results: [Result] = []
        for c in cases {
            for _ in 0..<warmups { _ = try await c.rollup() }
            var rollupTimes: [Double] = [], scanTimes: [Double] = []
            var rollupCounts: [Int64] = [], scanCounts: [Int64] = []
            for index in 0..<max(runs, scanRuns) {
                if index < runs {
                    let start = ContinuousClock.now
                    rollupCounts = try await c.rollup()
                    rollupTimes.append(Self.milliseconds(ContinuousClock.now - start))
                }
                if index < scanRuns {
                    let start = ContinuousClock.now
                    scanCounts = try await c.scan()
                    scanTimes.append(Self.milliseconds(ContinuousClock.now - start))
                }
            }
            guard rollupCounts == scanCounts else { throw Mismatch(name: c.name, rollup: rollupCounts, scan: scanCounts) }
            results.append(Result(name: c.name, rollupMilliseconds: rollupTimes, scanMilliseconds: scanTimes, counts: rollupCounts))
        }
        return results
    }

    static func counts(_ c: MetricCounts) -> [Int64] { [c.sent, c.delivered, c.read, c.clicked, c.clicks, c.replied, c.replies, c.failed] }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    static func day(_ date: Date, _ zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    func largestCampaign(_ workspaceID: UUID) async throws -> UUID? {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT campaign_id FROM analytics_cells WHERE workspace_id = \(bind: workspaceID)
                GROUP BY campaign_id ORDER BY SUM(sent + failed) DESC, campaign_id LIMIT 1
                """
            ).first()?.decode(column: "campaign_id", as: UUID.self)
        }
    }

    /// The same counts from raw events joined to their messages (the rebuild's recomputation, summed).
    func scan(workspaceID: UUID, campaignID: UUID?, from: Int64?, to: Int64?) async throws -> [Int64] {
        let dialect = database.dialect
        return try await database.read { sql in
            var filter: SQLQueryString = "m.workspace_id = \(bind: workspaceID) AND m.cohort_at IS NOT NULL"
            if let campaignID { filter.appendInterpolation(" AND m.campaign_id = \(bind: campaignID)" as SQLQueryString) }
            if let from, let to {
                filter.appendInterpolation(
                    " AND m.cohort_at >= \(bind: Date(timeIntervalSince1970: Double(from))) AND m.cohort_at < \(bind: Date(timeIntervalSince1970: Double(to)))"
                        as SQLQueryString
                )
            }
            _ = dialect
            let row = try await sql.raw(
                """
                SELECT COUNT(DISTINCT CASE WHEN e.type = 'sent' THEN e.message_id END) AS sent,
                    COUNT(DISTINCT CASE WHEN e.type = 'delivered' THEN e.message_id END) AS delivered,
                    COUNT(DISTINCT CASE WHEN e.type = 'read' THEN e.message_id END) AS read,
                    COUNT(DISTINCT CASE WHEN e.type = 'clicked' THEN e.message_id END) AS clicked,
                    CAST(COALESCE(SUM(CASE WHEN e.type = 'clicked' THEN 1 ELSE 0 END), 0) AS BIGINT) AS clicks,
                    COUNT(DISTINCT CASE WHEN e.type = 'replied' THEN e.message_id END) AS replied,
                    CAST(COALESCE(SUM(CASE WHEN e.type = 'replied' THEN 1 ELSE 0 END), 0) AS BIGINT) AS replies,
                    COUNT(DISTINCT CASE WHEN e.type = 'failed' THEN e.message_id END) AS failed
                FROM messages m JOIN message_events e ON e.message_id = m.id WHERE \(filter)
                """
            ).first()!
            return try ["sent", "delivered", "read", "clicked", "clicks", "replied", "replies", "failed"].map { try row.decode(column: $0, as: Int64.self) }
        }
    }
}
