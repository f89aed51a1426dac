import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing
import WhatsApp

@testable import HeraldApp

/// A workspace with a WhatsApp account, an approved marketing template with a tracked link button,
/// opted-in contacts and a started campaign whose messages Meta has accepted.
struct MessagingFixture {
    let app: TestApp
    let account: WhatsAppAccount
    let template: StoredTemplate
    let campaign: Campaign
    /// Message id, contact id, phone and wamid, in phone order.
    let messages: [(id: UUID, contact: UUID, phone: String, wamid: String)]

    static let appSecret = "fixture-app-secret"
    static let verifyToken = "fixture-verify"
    static let wabaID = "200000000000009"
    static let phoneNumberID = "100000000000009"

    static let template = TemplateDefinition(
        id: "9001", name: "spring_sale", language: "en_US", category: "MARKETING", status: "APPROVED", parameterFormat: "POSITIONAL",
        components: [
            TemplateComponent(type: "BODY", text: "Hi {{1}}, take {{2}} off this week."),
            TemplateComponent(
                type: "BUTTONS",
                buttons: [
                    TemplateButton(type: "URL", text: "Shop now", url: "https://herald.test/r/{{1}}"),
                    TemplateButton(type: "QUICK_REPLY", text: "Stop promotions"),
                ]
            ),
        ]
    )

    static func make(_ app: TestApp, contacts: Int = 3) async throws -> MessagingFixture {
        let services = app.services.messaging
        let workspaceID = app.workspace.id
        let account = try await services.accounts.create(
            workspaceID: workspaceID,
            .init(
                name: "Main", phoneNumberID: phoneNumberID, wabaID: wabaID, accessToken: "token", appSecret: appSecret, verifyToken: verifyToken,
                apiBaseURL: "http://127.0.0.1:9"
            )
        )
        _ = try await services.templates.replaceAll(workspaceID: workspaceID, accountID: account.id, templates: [template])
        let stored = try await services.templates.list(workspaceID: workspaceID)[0]
        for index in 0..<contacts {
            let response = try await app.request(
                .post, "/api/contacts", json: #"{"phone":"+4915112345\#(600 + index)","name":"Person \#(index)","consent":{"status":"opted_in","source":"test"}}"#
            )
            #expect(response.status == .created, "\(response.text)")
        }
        let now = Date()
        let campaign = Campaign(
            id: .timeOrdered(), workspaceID: workspaceID, name: "Spring", status: .sending, accountID: account.id, templateID: stored.id,
            templateName: stored.name, templateLanguage: stored.language,
            variables: ["1": VariableSource(field: "first_name", fallback: "there"), "2": VariableSource(text: "20%")],
            ctaURL: "https://shop.example/spring?ref=wa", audience: .everyone, createdAt: now, updatedAt: now
        )
        try await services.campaigns.insert(campaign)
        _ = try await AudienceFreeze(database: app.database, segments: services.segments).freeze(campaign, category: "MARKETING")
        let rows = try await app.database.read { sql in
            try await sql.raw("SELECT id, contact_id, phone FROM messages WHERE campaign_id = \(bind: campaign.id) ORDER BY phone").all()
        }
        var messages: [(UUID, UUID, String, String)] = []
        for (index, row) in rows.enumerated() {
            let id = try row.decode(column: "id", as: UUID.self)
            let wamid = "wamid.TEST\(index)"
            try await app.database.transaction { sql in
                try await sql.raw(
                    "UPDATE messages SET status = 'accepted', wamid = \(bind: wamid), accepted_at = \(bind: now), attempts = 1 WHERE id = \(bind: id)"
                ).run()
            }
            messages.append((id, try row.decode(column: "contact_id", as: UUID.self), try row.decode(column: "phone", as: String.self), wamid))
        }
        return MessagingFixture(app: app, account: account, template: stored, campaign: campaign, messages: messages)
    }

    /// Posts a signed delivery (or one with the given signature header) to the webhook.
    @discardableResult
    func deliver(_ body: [UInt8], signature: String?? = .none) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        let header = signature ?? WebhookSignature.sign(body: body, appSecret: Self.appSecret)
        if let header { headers[HTTPField.Name("X-Hub-Signature-256")!] = header }
        return try await app.client.executeRequest(uri: "/webhooks/whatsapp", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    /// Applies every stored delivery, as the processor in `herald serve` does.
    func process() async throws {
        let processor = WebhookProcessor(services: app.services.messaging, logger: TestDatabase.logger)
        while try await processor.processBatch() > 0 {}
    }

    func statuses(_ items: [StatusUpdate]) -> [UInt8] {
        WebhookPayloads.statuses(wabaID: Self.wabaID, phoneNumberID: Self.phoneNumberID, displayPhoneNumber: "15550001234", statuses: items)
    }

    func inbound(_ message: InboundMessage) -> [UInt8] {
        WebhookPayloads.messages(
            wabaID: Self.wabaID, phoneNumberID: Self.phoneNumberID, displayPhoneNumber: "15550001234",
            contacts: [WebhookContact(waID: message.from, profileName: "Someone")], messages: [message]
        )
    }

    func status(_ index: Int, _ status: String, at offset: TimeInterval = 0, callback: Bool = false, errors: [WebhookError] = []) -> StatusUpdate {
        let m = messages[index]
        return StatusUpdate(
            wamid: m.wamid, status: status, timestamp: Date(timeIntervalSince1970: 1_790_000_000 + offset), recipientID: String(m.phone.dropFirst()),
            callbackData: callback ? PreparedCampaign.callbackData(messageID: m.id, campaignID: campaign.id, variationID: nil) : nil,
            pricing: status == "failed" ? nil : Pricing(billable: true, pricingModel: "PMP", type: "regular", category: "marketing"), errors: errors
        )
    }

    func stats() async throws -> CampaignStats {
        try await app.database.read { sql in try await CampaignStats.load(campaignID: campaign.id, in: sql) }
    }

    func eventCount(_ type: String) async throws -> Int {
        try await app.database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM message_events WHERE campaign_id = \(bind: campaign.id) AND type = \(bind: type)").first()!
                .decode(column: "n", as: Int.self)
        }
    }

    func consent(_ contactID: UUID) async throws -> (status: String, source: String?) {
        try await app.database.read { sql in
            let row = try await sql.raw("SELECT consent_status, consent_source FROM contacts WHERE id = \(bind: contactID)").first()!
            return (try row.decode(column: "consent_status", as: String.self), try row.decode(column: "consent_source", as: String?.self))
        }
    }

    func messageStatus(_ index: Int) async throws -> String {
        try await app.database.read { sql in
            try await sql.raw("SELECT status FROM messages WHERE id = \(bind: messages[index].id)").first()!.decode(column: "status", as: String.self)
        }
    }
}
