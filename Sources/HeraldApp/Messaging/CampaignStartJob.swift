import Foundation
import SQLKit
import Storage

/// Freezes a started campaign's audience into message rows. A job, so that a crash part-way
/// is resumed by any process: the inserts are idempotent and sending begins with the first page.
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
        let size = try await AudienceFreeze(database: services.database, segments: services.segments).freeze(campaign, category: category)
        try await services.database.transaction { sql in
            try await sql.raw("UPDATE campaigns SET audience_size = \(bind: size), updated_at = \(bind: Date()) WHERE id = \(bind: campaign.id)").run()
        }
        run.logger.info("campaign audience frozen", metadata: ["campaign_id": "\(campaign.id)", "messages": "\(size)"])
        return "{\"messages\":\(size)}"
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
