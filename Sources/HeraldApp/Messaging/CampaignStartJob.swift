import Foundation
import SQLKit
import Storage

/// Freezes a started campaign's audience into message rows (an A/B test's through ``ABTestFreeze``). A job, so that a
/// crash part-way is resumed by any process: the inserts are idempotent and sending begins with the first page.
struct CampaignStartJob: JobHandler {
    static let kind = "campaign.start"
    var kind: String { Self.kind }
    let services: MessagingServices

    func run(_ run: JobRun) async throws -> String? {
        struct Payload: Decodable { let campaign_id: UUID }
        let payload = try JSONDecoder().decode(Payload.self, from: Data(run.job.payload.utf8))
        guard let campaign = try await services.campaigns.find(workspaceID: run.job.workspaceID, id: payload.campaign_id) else {
            return "{\"skipped\":\"campaign deleted\"}"
        }
        let category = try await campaign.templateID.asyncMap { try await services.templates.find(workspaceID: campaign.workspaceID, id: $0) }??
            .category ?? "MARKETING"
        let audience = AudienceFreeze(database: services.database, segments: services.segments)
        let tests = ABTestStore(database: services.database, campaigns: services.campaigns)
        let size: Int
        do {
            // A campaign with an A/B test sends only its test audience now, each contact its variation.
            if let test = try await tests.freezePlan(campaignID: campaign.id) {
                guard test.status != .cancelled else { return "{\"skipped\":\"A/B test cancelled\"}" }
                size = try await ABTestFreeze(store: tests, audience: audience).freeze(test, campaign: campaign, category: category)
            } else {
                size = try await audience.freeze(campaign, category: category)
            }
        } catch let error as APIError where error.status == .unprocessableContent || error.code == "segment_missing" {
            // The audience segment's rules no longer fit (a used segment changed, a field changed type): hold the
            // campaign with the reason rather than leave it sending with nobody to send to.
            try await hold(campaign, because: error.message)
            run.logger.warning("campaign held: its audience cannot be resolved", metadata: ["campaign_id": "\(campaign.id)", "reason": .string(error.message)])
            return "{\"held\":\"audience cannot be resolved\"}"
        }
        try await services.database.transaction { sql in
            try await sql.raw("UPDATE campaigns SET audience_size = \(bind: size), updated_at = \(bind: Date()) WHERE id = \(bind: campaign.id)").run()
        }
        run.logger.info("campaign audience frozen", metadata: ["campaign_id": "\(campaign.id)", "messages": "\(size)"])
        return "{\"messages\":\(size)}"
    }

    func hold(_ campaign: Campaign, because reason: String) async throws {
        try await services.database.transaction { sql in
            try await CampaignStore.perform(
                .hold, on: .one(workspaceID: campaign.workspaceID, id: campaign.id),
                reason: "held: the audience cannot be resolved: \(reason)", in: sql
            )
            try await AlertStore.raise(
                workspaceID: campaign.workspaceID, level: "warning", kind: "campaign_held",
                message: "Campaign \(campaign.name) was held before sending: \(reason)", campaignID: campaign.id, in: sql
            )
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}
