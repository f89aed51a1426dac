import Foundation

extension ABTestController {
    /// The campaign's own fields of a new test, or of a draft's config: name, account and audience.
    func applyCampaignFields(_ reader: FieldReader, to campaign: inout Campaign) async throws {
        let workspaceID = campaign.workspaceID
        if let name = try reader.string("name", required: campaign.name.isEmpty, maxLength: 200) { campaign.name = name }
        if reader.has("account_id") {
            guard let id = try reader.string("account_id").flatMap(UUID.init(uuidString:)),
                try await services.accounts.find(workspaceID: workspaceID, id: id) != nil
            else { throw APIError.invalid("account_id", "account_id is not a WhatsApp account of this workspace") }
            campaign.accountID = id
        }
        if let audience = try CampaignInput.audience(reader) {
            if let segmentID = audience.segmentID, try await services.segments.store.find(workspaceID: workspaceID, id: segmentID) == nil {
                throw APIError.invalid("audience.segment_id", "segment_id is not a saved segment of this workspace")
            }
            campaign.audience = audience
        }
    }

    /// The draft campaign named by `campaign_id`, whose name, account and audience the test takes.
    func draftCampaign(_ reader: FieldReader, workspaceID: UUID) async throws -> Campaign {
        if let field = ABTestInput.campaignFields.first(where: reader.has) {
            throw APIError.invalid(field, "with campaign_id the test takes that campaign's name, account and audience: leave out \(field)")
        }
        guard let id = try reader.string("campaign_id", required: true).flatMap(UUID.init(uuidString:)),
            let campaign = try await services.campaigns.find(workspaceID: workspaceID, id: id)
        else { throw APIError.invalid("campaign_id", "campaign_id is not a campaign of this workspace") }
        guard campaign.status == .draft else { throw ABTestStore.campaignNotDraft }
        if try await store.hasTest(campaignID: campaign.id) { throw ABTestStore.campaignHasTest }
        return campaign
    }
}
