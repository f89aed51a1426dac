import Foundation
import SQLKit

extension ABTestStore {
    /// One variation of the test on `campaignID`, as the sender needs it; nil when the test or the variation is gone
    /// (or the variation belongs to another campaign's test).
    func variation(id: UUID, campaignID: UUID) async throws -> ABTestVariation? {
        let d = database.dialect
        return try await database.read { sql in
            try await sql.raw(
                """
                SELECT v.id, v.ab_test_id, v.position, v.name, v.share, v.template_id, v.template_name, v.template_language,
                    \(d.jsonText("variables", of: "v")) AS variables, v.media_id, v.cta_url
                FROM ab_test_variations v JOIN ab_tests t ON t.id = v.ab_test_id
                WHERE v.id = \(bind: id) AND t.campaign_id = \(bind: campaignID)
                """
            ).first(decoding: VariationRow.self, keyDecodingStrategy: .convertFromSnakeCase)?.variation
        }
    }
}
