import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import Storage
import Testing
import WhatsApp

@testable import HeraldApp

/// Counts how often the secrets are opened and how many openings ever overlapped.
actor SecretLoads {
    var count = 0
    var running = 0
    var mostAtOnce = 0

    func begin() {
        count += 1
        running += 1
        mostAtOnce = max(mostAtOnce, running)
    }

    func end() { running -= 1 }
}

@Suite("Webhook secrets cache")
struct WebhookSecretsTests {
    @Test("a burst of bad-signature POSTs opens the secrets once, not once per request", arguments: Engine.available)
    func badSignatureBurst(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            let loads = SecretLoads()
            let secrets = WebhookSecrets(maxAge: .seconds(3600), minimumReloadInterval: .seconds(3600)) {
                await loads.begin()
                try await Task.sleep(for: .milliseconds(20))
                await loads.end()
                return [
                    .init(accountID: UUID(), phoneNumberID: "100000000000001", wabaID: "200000000000001", appSecret: "right", verifyToken: "v")
                ]
            }
            let router = Router(context: AppRequestContext.self)
            WebhookController(database: database, secrets: secrets).addRoutes(to: router)
            let app = Application(router: router, logger: TestDatabase.logger)
            try await app.test(.router) { client in
                let body = Array(#"{"object":"whatsapp_business_account","entry":[]}"#.utf8)
                let headers: HTTPFields = [
                    .contentType: "application/json", HTTPField.Name("X-Hub-Signature-256")!: WebhookSignature.sign(body: body, appSecret: "wrong"),
                ]
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for _ in 0..<20 {
                        group.addTask {
                            let response = try await client.executeRequest(
                                uri: "/webhooks/whatsapp", method: .post, headers: headers, body: ByteBuffer(bytes: body)
                            )
                            return response.status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.allSatisfy { $0 == .unauthorized })
            }
            #expect(await loads.mostAtOnce == 1, "reloads share the one in flight")
            #expect(await loads.count == 1, "no reload within the minimum interval")
        }
    }

    @Test("a signed delivery for a number added since the last load reloads the secrets at once, even within the minimum interval")
    func numberAddedSinceReload() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let first = WebhookSecrets.Entry(accountID: UUID(), phoneNumberID: "100000000000001", wabaID: "200000000000001", appSecret: "app", verifyToken: "v")
            let added = WebhookSecrets.Entry(accountID: UUID(), phoneNumberID: "100000000000002", wabaID: "200000000000001", appSecret: "app", verifyToken: "v")
            let accounts = NIOLockedValueBox([first])
            let loads = SecretLoads()
            let secrets = WebhookSecrets(maxAge: .seconds(3600), minimumReloadInterval: .seconds(3600), version: { "\(accounts.withLockedValue { $0.count })" }) {
                await loads.begin()
                await loads.end()
                return accounts.withLockedValue { $0 }
            }
            _ = try await secrets.current()
            let router = Router(context: AppRequestContext.self)
            WebhookController(database: database, secrets: secrets).addRoutes(to: router)
            try await Application(router: router, logger: TestDatabase.logger).test(.router) { (client) async throws in
                func post(_ number: String) async throws -> HTTPResponse.Status {
                    let body = Array(
                        #"{"object":"whatsapp_business_account","entry":[{"id":"200000000000001","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550002222","phone_number_id":"\#(number)"},"statuses":[]}}]}]}"#
                            .utf8
                    )
                    let headers: HTTPFields = [
                        .contentType: "application/json", HTTPField.Name("X-Hub-Signature-256")!: WebhookSignature.sign(body: body, appSecret: "app"),
                    ]
                    return try await client.executeRequest(uri: "/webhooks/whatsapp", method: .post, headers: headers, body: ByteBuffer(bytes: body)).status
                }
                // A number nobody added: the accounts did not change, so the secrets are not opened again.
                #expect(try await post("100000000000009") == .ok)
                #expect(await loads.count == 1)
                // Another server adds a number; its first delivery reloads at once and is routed to it.
                accounts.withLockedValue { $0.append(added) }
                #expect(try await post("100000000000002") == .ok)
                #expect(await loads.count == 2)
                #expect(try await secrets.current().contains { $0.accountID == added.accountID })
            }
        }
    }
}
