import Foundation
import SQLKit
import Storage
import WhatsApp

/// The planner's reads (design section 8): the audience as the freeze will count it and the metric's baseline from the
/// workspace's history. The arithmetic is ``ABTestPlanning``; `POST /api/ab-tests/plan` and `start`'s warnings share both.
struct ABTestPlanner: Sendable {
    let services: MessagingServices
    /// How far back the history baseline looks.
    static let historyDays = 90

    /// What `start` warns about before it spends a test audience: a test too small to detect a realistic lift.
    /// Uses the frozen audience when there is one, else counts it now; no warning without a history baseline.
    static func warnings(for test: ABTest, services: MessagingServices, now: Date = Date()) async throws -> [String] {
        try await ABTestPlanner(services: services).warnings(for: test, now: now)
    }

    func warnings(for test: ABTest, now: Date = Date()) async throws -> [String] {
        let category =
            try await test.variations.first?.templateID.asyncMap {
                try await services.templates.find(workspaceID: test.workspaceID, id: $0)?.category
            } ?? nil
        let audienceSize: Int
        if let frozen = test.audienceSize {
            audienceSize = frozen
        } else {
            audienceSize = try await self.audienceSize(workspaceID: test.workspaceID, audience: test.audience, category: category)
        }
        let settings = test.settings
        let history = try await history(
            workspaceID: test.workspaceID,
            metric: settings.successMetric,
            windowSeconds: settings.outcomeWindowSeconds,
            now: now
        )
        return ABTestPlanning.plan(
            audienceSize: audienceSize,
            testPercentage: settings.testPercentage,
            shares: test.variations.map(\.share),
            metric: settings.successMetric,
            baseline: ABTestPlanning.baseline(entered: nil, history: history),
            wantedLift: nil
        ).warnings
    }

    /// Opted-in contacts of everyone or of a saved segment, as the freeze takes them: for a MARKETING template
    /// without +1 numbers or users of +1 countries, whom Meta does not deliver marketing to.
    func audienceSize(workspaceID: UUID, audience: Audience, category: String?) async throws -> Int {
        let predicate = try await services.segments.audiencePredicate(workspaceID: workspaceID, segmentID: audience.segmentID)
        let filter: SQLQueryString = predicate.map { " AND \($0)" } ?? ""
        let rows = try await services.limitedReads.read { sql in
            try await sql.raw(
                """
                SELECT substr(c.phone, 1, 2) AS prefix, CASE WHEN c.phone IS NULL THEN substr(c.bsuid, 1, 2) END AS country, COUNT(*) AS n
                FROM contacts c
                WHERE c.workspace_id = \(bind: workspaceID) AND c.consent_status = 'opted_in'\(filter)
                GROUP BY substr(c.phone, 1, 2), CASE WHEN c.phone IS NULL THEN substr(c.bsuid, 1, 2) END
                """
            ).all()
        }
        let marketing = category?.uppercased() == "MARKETING"
        var count = 0
        for row in rows {
            let prefix =
                try row.decode(column: "prefix", as: String?.self)
                ?? row.decode(column: "country", as: String?.self).flatMap(ContactAddress.pricingPrefix(country:))
            if marketing, let prefix, WhatsAppRecipient.isNANP(prefix) { continue }
            count += try row.decode(column: "n", as: Int.self)
        }
        return count
    }

    /// The workspace's campaign messages sent in the last 90 days that have had a whole outcome window, and those with
    /// the metric's event inside it (a STOP is not a reply), as the test itself counts (design section 4). For clicks,
    /// only messages that carried a tracked link.
    func history(workspaceID: UUID, metric: SuccessMetric, windowSeconds: Int, now: Date = Date()) async throws -> (messages: Int, successes: Int) {
        let window = Double(windowSeconds)
        let column = metric.messageColumn
        let notOptOut: SQLQueryString = metric == .reply ? " AND m.opted_out_at IS NULL" : ""
        let clickable: SQLQueryString = metric == .click ? " AND COALESCE(v.cta_url, c.cta_url) IS NOT NULL" : ""
        let dialect = services.database.dialect
        let row = try await services.limitedReads.read { sql in
            try await sql.raw(
                """
                SELECT COUNT(*) AS messages,
                    SUM(CASE WHEN m.\(ident: column) IS NOT NULL
                        AND m.\(ident: column) <= \(dialect.plusSeconds("accepted_at", of: "m", window))\(notOptOut) THEN 1 ELSE 0 END) AS successes
                FROM messages m
                JOIN campaigns c ON c.id = m.campaign_id
                LEFT JOIN ab_test_variations v ON v.id = m.variation_id
                WHERE c.workspace_id = \(bind: workspaceID) AND m.accepted_at >= \(bind: now.addingTimeInterval(-Double(Self.historyDays) * 86_400))
                    AND m.accepted_at <= \(bind: now.addingTimeInterval(-window))\(clickable)
                """
            ).first()
        }
        return (try row?.decode(column: "messages", as: Int?.self) ?? 0, try row?.decode(column: "successes", as: Int?.self) ?? 0)
    }
}
