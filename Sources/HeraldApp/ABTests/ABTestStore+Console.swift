import Foundation
import SQLKit

/// What the console's campaign pages show of a campaign's test: the "A/B" badge and the "Part of A/B test …" link.
extension ABTestStore {
    struct CampaignTest: Decodable, Sendable, Equatable {
        let id: UUID
        let campaignId: UUID
        let name: String
    }

    /// The test of each given campaign that has one, by campaign id, in one query.
    func tests(workspaceID: UUID, campaignIDs: [UUID]) async throws -> [UUID: CampaignTest] {
        guard !campaignIDs.isEmpty else { return [:] }
        let rows = try await database.read { sql in
            try await sql.raw(
                """
                SELECT id, campaign_id, name FROM ab_tests
                WHERE workspace_id = \(bind: workspaceID) AND campaign_id IN (\(binds: campaignIDs))
                """
            ).all(decoding: CampaignTest.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        return Dictionary(rows.map { ($0.campaignId, $0) }) { first, _ in first }
    }
}
