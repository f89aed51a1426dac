import Foundation
import SQLKit
import Storage

/// A/B test rows: the test with its campaign's account and audience, and its variations in order.
/// Writes are in ABTestStore+Write.swift.
struct ABTestStore: Sendable {
    let database: Database
    let campaigns: CampaignStore

    func find(workspaceID: UUID, id: UUID) async throws -> ABTest? {
        try await load(workspaceID: workspaceID, filter: " AND t.id = \(bind: id)", limit: 1).first
    }

    /// The newest tests first, each with its variations (loaded for the whole page in one query).
    func list(workspaceID: UUID, status: ABTestStatus? = nil, limit: Int = 200) async throws -> [ABTest] {
        try await load(workspaceID: workspaceID, filter: status.map { " AND t.status = \(bind: $0.rawValue)" } ?? "", limit: limit)
    }

    func hasTest(campaignID: UUID) async throws -> Bool {
        try await database.read { sql in try await Self.hasTest(campaignID: campaignID, in: sql) }
    }

    static func hasTest(campaignID: UUID, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT id FROM ab_tests WHERE campaign_id = \(bind: campaignID)").first() != nil
    }

    private func load(workspaceID: UUID, filter: SQLQueryString, limit: Int) async throws -> [ABTest] {
        let d = database.dialect
        return try await database.read { sql in
            let rows = try await sql.raw(
                """
                SELECT t.id, t.workspace_id, t.campaign_id, t.name, t.status, t.test_percentage, t.duration_hours, t.success_metric,
                    t.outcome_window_seconds, t.auto_send_winner, t.inconclusive_policy, t.allocation, t.winner_variation_id, t.recommended_variation_id,
                    t.decision_kind, t.decided_by, t.decision_reason, t.decided_at, t.audience_size, t.test_audience_size, t.started_at,
                    t.ends_at, t.ended_at, t.created_at, t.updated_at, c.account_id, \(d.jsonText("audience", of: "c")) AS audience
                FROM ab_tests t JOIN campaigns c ON c.id = t.campaign_id
                WHERE t.workspace_id = \(bind: workspaceID)\(filter)
                ORDER BY t.created_at DESC, t.id DESC LIMIT \(bind: limit)
                """
            ).all(decoding: TestRow.self, keyDecodingStrategy: .convertFromSnakeCase)
            guard !rows.isEmpty else { return [] }
            let variations = try await sql.raw(
                """
                SELECT id, ab_test_id, position, name, share, template_id, template_name, template_language,
                    \(d.jsonText("variables")) AS variables, media_id, cta_url
                FROM ab_test_variations WHERE ab_test_id IN (\(binds: rows.map(\.id))) ORDER BY ab_test_id, position
                """
            ).all(decoding: VariationRow.self, keyDecodingStrategy: .convertFromSnakeCase)
            let byTest = Dictionary(grouping: variations, by: \.abTestId)
            return try rows.map { try $0.test(variations: (byTest[$0.id] ?? []).map { $0.variation }) }
        }
    }
}

private struct TestRow: Decodable {
    let id: UUID, workspaceId: UUID, campaignId: UUID, name: String, status: String
    let testPercentage: Int, durationHours: Int, successMetric: String, outcomeWindowSeconds: Int, autoSendWinner: Bool
    let inconclusivePolicy: String, allocation: String, winnerVariationId: UUID?, recommendedVariationId: UUID?
    let decisionKind: String?, decidedBy: String?, decisionReason: String?, decidedAt: Date?
    let audienceSize: Int?, testAudienceSize: Int?, startedAt: Date?, endsAt: Date?, endedAt: Date?, createdAt: Date, updatedAt: Date
    let accountId: UUID?, audience: String?

    func test(variations: [ABTestVariation]) throws -> ABTest {
        guard let status = ABTestStatus(rawValue: status), let metric = SuccessMetric(rawValue: successMetric),
            let policy = InconclusivePolicy(rawValue: inconclusivePolicy), let allocation = ABTestAllocation(rawValue: allocation)
        else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown value in ab_tests \(id)")) }
        let settings = ABTestSettings(
            testPercentage: testPercentage,
            durationHours: durationHours,
            successMetric: metric,
            outcomeWindowSeconds: outcomeWindowSeconds,
            autoSendWinner: autoSendWinner,
            inconclusivePolicy: policy,
            allocation: allocation
        )
        return ABTest(
            id: id,
            workspaceID: workspaceId,
            campaignID: campaignId,
            name: name,
            status: status,
            settings: settings,
            variations: variations,
            accountID: accountId,
            audience: audience.flatMap { try? JSONDecoder().decode(Audience.self, from: Data($0.utf8)) } ?? .everyone,
            winnerVariationID: winnerVariationId,
            recommendedVariationID: recommendedVariationId,
            decision: decisionKind.map { ABTestDecision(kind: $0, by: decidedBy, at: decidedAt, reason: decisionReason) },
            audienceSize: audienceSize,
            testAudienceSize: testAudienceSize,
            startedAt: startedAt,
            endsAt: endsAt,
            endedAt: endedAt,
            createdAt: createdAt,
            updatedAt: updatedAt
        )
    }
}

struct VariationRow: Decodable {
    let id: UUID, abTestId: UUID, position: Int, name: String, share: Int, templateId: UUID?, templateName: String?
    let templateLanguage: String?, variables: String, mediaId: UUID?, ctaUrl: String?

    var variation: ABTestVariation {
        ABTestVariation(
            id: id,
            position: position,
            name: name,
            share: share,
            templateID: templateId,
            templateName: templateName,
            templateLanguage: templateLanguage,
            variables: (try? JSONDecoder().decode([String: VariableSource].self, from: Data(variables.utf8))) ?? [:],
            mediaID: mediaId,
            ctaURL: ctaUrl
        )
    }
}
