import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Storage
import Testing
import WhatsApp

@testable import HeraldApp

@Suite("Webhook routing by phone number")
struct WebhookRoutingTests {
    static let sharedSecret = "one-meta-app-secret"
    static let phone = "+4915112345600"

    /// An account on `phoneNumberID` in `workspaceID`, with the fixture's template and one opted-in contact at `phone`.
    func account(
        _ app: TestApp, workspaceID: UUID, phoneNumberID: String, wabaID: String, appSecret: String = sharedSecret
    ) async throws -> WhatsAppAccount {
        let services = app.services.messaging
        let account = try await services.accounts.create(
            workspaceID: workspaceID,
            .init(
                name: "Number \(phoneNumberID.suffix(1))", phoneNumberID: phoneNumberID, wabaID: wabaID, accessToken: "token", appSecret: appSecret,
                verifyToken: "verify-\(phoneNumberID)", apiBaseURL: "http://127.0.0.1:9"
            )
        )
        _ = try await services.templates.replaceAll(workspaceID: workspaceID, accountID: account.id, templates: [MessagingFixture.template])
        return account
    }

    func contact(_ app: TestApp, key: String) async throws -> UUID {
        let response = try await app.request(
            .post, "/api/contacts", json: #"{"phone":"\#(Self.phone)","name":"Ana","consent":{"status":"opted_in","source":"test"}}"#, key: key
        )
        #expect(response.status == .created, "\(response.text)")
        return try #require(response.json["id"].string.flatMap(UUID.init(uuidString:)))
    }

    func inbound(wabaID: String, phoneNumberID: String, text: String, id: String) -> WebhookEntry {
        let message = InboundMessage(wamid: id, from: String(Self.phone.dropFirst()), timestamp: Date(), type: "text", text: text)
        let value = MessagesValue(
            phoneNumberID: phoneNumberID, displayPhoneNumber: "1555000\(phoneNumberID.suffix(4))",
            contacts: [WebhookContact(waID: String(Self.phone.dropFirst()), profileName: "Ana")], messages: [message]
        )
        return WebhookEntry(id: wabaID, changes: [.messages(value)])
    }

    func post(_ app: TestApp, _ body: [UInt8], secret: String = sharedSecret) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name("X-Hub-Signature-256")!] = WebhookSignature.sign(body: body, appSecret: secret)
        return try await app.client.executeRequest(uri: "/webhooks/whatsapp", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    func consent(_ app: TestApp, _ contactID: UUID) async throws -> (status: String, lastInbound: Date?) {
        try await app.database.read { sql in
            let row = try await sql.raw("SELECT consent_status, last_inbound_at FROM contacts WHERE id = \(bind: contactID)").first()!
            return (try row.decode(column: "consent_status", as: String.self), try row.decode(column: "last_inbound_at", as: Date?.self))
        }
    }

    @Test(
        "one app's delivery lands each entry in the workspace of its number; unknown numbers and numbers of other apps are ignored",
        arguments: Engine.available
    )
    func routesByPhoneNumber(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let (beta, betaKey) = try await app.services.workspaces.create(name: "Beta", defaultCountry: "DE")
            _ = try await account(app, workspaceID: app.workspace.id, phoneNumberID: "100000000000001", wabaID: "200000000000001")
            _ = try await account(app, workspaceID: beta.id, phoneNumberID: "100000000000002", wabaID: "200000000000002")
            // A number of another Meta app, in the first workspace: a delivery signed by this app cannot speak for it.
            _ = try await account(
                app, workspaceID: app.workspace.id, phoneNumberID: "100000000000003", wabaID: "200000000000003", appSecret: "another-app"
            )
            let alpha = try await contact(app, key: app.key)
            let betaContact = try await contact(app, key: betaKey)

            let paused = TemplateStatusUpdate(event: "PAUSED", templateID: "9001", templateName: "spring_sale", language: "en_US", reason: "quality")
            let delivery = WebhookDelivery(entries: [
                inbound(wabaID: "200000000000001", phoneNumberID: "100000000000001", text: "Hello there", id: "wamid.in.a"),
                inbound(wabaID: "200000000000002", phoneNumberID: "100000000000002", text: "STOP", id: "wamid.in.b"),
                inbound(wabaID: "200000000000099", phoneNumberID: "100000000000099", text: "STOP", id: "wamid.in.x"),
                inbound(wabaID: "200000000000003", phoneNumberID: "100000000000003", text: "STOP", id: "wamid.in.c"),
                WebhookEntry(id: "200000000000002", changes: [.templateStatus(paused)]),
            ])
            #expect(try await post(app, delivery.jsonBody()).status == .ok)
            let processor = WebhookProcessor(services: app.services.messaging, logger: TestDatabase.logger)
            while try await processor.processBatch() > 0 {}

            let first = try await consent(app, alpha)
            #expect(first.status == "opted_in", "STOPs sent to other numbers must not opt out the first workspace's contact")
            #expect(first.lastInbound != nil, "the first number's own message lands in its workspace")
            #expect(try await consent(app, betaContact).status == "opted_out", "the STOP sent to the second number lands in its workspace")
            let templates = try await app.database.read { sql in
                try await sql.raw("SELECT workspace_id, status FROM templates").all().map {
                    (try $0.decode(column: "workspace_id", as: UUID.self), try $0.decode(column: "status", as: String.self))
                }
            }
            #expect(templates.filter { $0.1 == "PAUSED" }.map(\.0) == [beta.id], "the template event of the second WABA pauses only its template")
        }
    }

    @Test("an account whose sealed secrets do not open does not stop webhooks for the others", arguments: Engine.available)
    func unreadableAccountIsSkipped(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let broken = try await account(app, workspaceID: app.workspace.id, phoneNumberID: "100000000000001", wabaID: "200000000000001")
            _ = try await account(app, workspaceID: app.workspace.id, phoneNumberID: "100000000000002", wabaID: "200000000000002")
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE whatsapp_accounts SET app_secret_sealed = access_token_sealed WHERE id = \(bind: broken.id)").run()
            }
            let good = try await contact(app, key: app.key)
            let delivery = WebhookDelivery(entries: [inbound(wabaID: "200000000000002", phoneNumberID: "100000000000002", text: "Hi", id: "wamid.ok")])
            #expect(try await post(app, delivery.jsonBody()).status == .ok)
            let processor = WebhookProcessor(services: app.services.messaging, logger: TestDatabase.logger)
            while try await processor.processBatch() > 0 {}
            #expect(try await consent(app, good).lastInbound != nil, "the readable account's message was stored and applied")
        }
    }
}
