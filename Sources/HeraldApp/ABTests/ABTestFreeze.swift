import Foundation

/// Freezes a started A/B test's audience (design section 2, "Freeze"); `CampaignStartJob` calls it instead of
/// ``AudienceFreeze`` when the campaign has a test, so crash recovery is the job queue's.
///
/// 1. Until `frozen_at` is set, every attempt starts over: leftover assignments go, the audience is resolved once with
///    ``AudienceFreeze/members(of:category:_:)`` (the campaign's own audience, consent and +1 rules, so the two never
///    drift) and stored with each contact's bucket.
/// 2. One transaction cuts it by rank in bucket order into the arms and sets `frozen_at`; after that the assignment
///    never changes.
/// 3. The test contacts' messages are queued with their variations (idempotent), then the test is marked queued and
///    due for its first evaluation. The remaining audience waits for the winner.
struct ABTestFreeze: Sendable {
    let store: ABTestStore
    let audience: AudienceFreeze

    /// Returns how many messages the campaign has queued (the test messages).
    func freeze(_ plan: ABTestFreezePlan, campaign: Campaign, category: String) async throws -> Int {
        if try await store.startOver(testID: plan.testID) {
            var resolved = 0
            try await audience.members(of: campaign, category: category) { page in
                try await store.insertAssignments(testID: plan.testID, contacts: page.map(\.0))
                resolved += page.count
            }
            _ = try await store.cut(plan, resolved: resolved)
        }
        try await store.queueTestMessages(plan, campaign: campaign)
        return try await store.markTestQueued(plan, campaignID: campaign.id)
    }
}
