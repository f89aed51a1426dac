import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLKit
import Storage
import Testing
import WhatsApp

@testable import HeraldApp

/// A local server that reads each request and then closes the connection without answering, or never answers.
struct SilentHost: Sendable {
    enum Behaviour: Sendable { case dropConnection, stall }

    let url: String
    let received: NIOLockedValueBox<Int>
    var requests: Int { received.withLockedValue { $0 } }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let behaviour: Behaviour
        let received: NIOLockedValueBox<Int>
        var counted = false

        init(behaviour: Behaviour, received: NIOLockedValueBox<Int>) {
            self.behaviour = behaviour
            self.received = received
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if !counted {
                counted = true
                received.withLockedValue { $0 += 1 }
            }
            if behaviour == .dropConnection { context.close(promise: nil) }
        }
    }

    static func with(_ behaviour: Behaviour, _ test: (SilentHost) async throws -> Void) async throws {
        let received = NIOLockedValueBox(0)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(behaviour: behaviour, received: received))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await test(SilentHost(url: "http://127.0.0.1:\(channel.localAddress!.port!)", received: received))
        } catch {
            try? await channel.close()
            throw error
        }
        try? await channel.close()
    }
}

@Suite("Sends in doubt")
struct SendInDoubtTests {
    static let credentials = WhatsAppCredentials(phoneNumberID: "100000000000009", wabaID: "200000000000009", accessToken: "t")
    static let message = TemplateMessage(to: "4915112345600", templateName: "spring_sale", languageCode: "en_US")

    /// What the pipeline makes of the error a real client gets from `host`.
    func outcome(sendingTo url: String) async -> SendOutcome? {
        let client = CloudAPIClient(
            httpClient: .shared, endpoint: CloudAPIEndpoint(baseURL: url, version: "v23.0"), credentials: Self.credentials,
            timeout: .milliseconds(500)
        )
        do {
            _ = try await client.send(Self.message)
            return nil
        } catch {
            return SendOutcome.from(error: error, attempts: 1)
        }
    }

    @Test("a connection closed after the request was sent, or no answer in time, leaves the send in doubt")
    func afterTheRequest() async throws {
        for behaviour in [SilentHost.Behaviour.dropConnection, .stall] {
            try await SilentHost.with(behaviour) { host in
                let outcome = await outcome(sendingTo: host.url)
                guard case .inDoubt? = outcome else {
                    Issue.record("\(behaviour): expected in doubt, got \(String(describing: outcome))")
                    return
                }
                #expect(host.requests == 1)
            }
        }
    }

    @Test("a refused connection never reached Meta and is retried")
    func beforeTheRequest() async throws {
        let port = try LiveStack.freePort()
        let outcome = await outcome(sendingTo: "http://127.0.0.1:\(port)")
        guard case .retry? = outcome else {
            Issue.record("expected a retry, got \(String(describing: outcome))")
            return
        }
    }

    @Test("a gateway's 502 or 504 page leaves the send in doubt; other pages, and failures while preparing, are retried")
    func gatewayPages() {
        for status in [502, 504] {
            guard case .inDoubt = SendOutcome.from(error: CloudAPITransportError.badResponse(status: status, body: "<html>"), attempts: 1) else {
                Issue.record("\(status) should leave the send in doubt")
                continue
            }
        }
        for status in [500, 503] {
            guard case .retry = SendOutcome.from(error: CloudAPITransportError.badResponse(status: status, body: "<html>"), attempts: 1) else {
                Issue.record("\(status) should be retried")
                continue
            }
        }
        let closed = CloudAPITransportError.unreachable("HTTPClientError.remoteConnectionClosed")
        let preparing = SendOutcome.from(error: closed, attempts: 1, sending: false)
        guard case .retry = preparing else {
            Issue.record("a media upload that failed sent no message: \(preparing)")
            return
        }
    }

    @Test("a message whose connection dropped after sending stays in doubt and is not sent again at once", arguments: Engine.available)
    func notSentTwice(engine: Engine) async throws {
        try await SilentHost.with(.dropConnection) { host in
            try await TestApp.with(engine) { app in
                let f = try await MessagingFixture.make(app, contacts: 2)
                let start = Date()
                try await app.database.transaction { sql in
                    try await sql.raw(
                        """
                        UPDATE messages SET status = 'queued', wamid = NULL, accepted_at = NULL, attempts = 0, next_attempt_at = \(bind: start)
                        WHERE campaign_id = \(bind: f.campaign.id)
                        """
                    ).run()
                }
                var account = f.account
                account.apiBaseURL = host.url
                let sender = AccountSender(account: account, services: app.services.messaging, owner: "test", logger: TestDatabase.logger)
                let run = Task { await sender.run() }
                // Wait until both sends are recorded as in doubt (a loaded machine can take a while), then give the
                // sender time to send again if it were going to.
                func inDoubt() async throws -> Int {
                    try await app.database.read { sql in
                        try await sql.raw(
                            "SELECT COUNT(*) AS n FROM messages WHERE campaign_id = \(bind: f.campaign.id) AND error_detail LIKE 'in doubt%'"
                        ).first()?.decode(column: "n", as: Int.self) ?? 0
                    }
                }
                var waited = 0
                while try await inDoubt() < 2, waited < 300 {
                    try await Task.sleep(for: .milliseconds(100))
                    waited += 1
                }
                try await Task.sleep(for: .seconds(2))
                run.cancel()
                await run.value
                #expect(host.requests == 2, "each message was sent once")
                let rows = try await app.database.read { sql in
                    try await sql.raw("SELECT status, lease_expires_at, error_detail FROM messages WHERE campaign_id = \(bind: f.campaign.id)").all()
                }
                for row in rows {
                    #expect(try row.decode(column: "status", as: String.self) == "sending")
                    let lease = try row.decode(column: "lease_expires_at", as: Date?.self) ?? .distantPast
                    #expect(lease > start.addingTimeInterval(app.services.messaging.inDoubtSeconds - 10), "in doubt until the window ends")
                    #expect(try row.decode(column: "error_detail", as: String?.self)?.hasPrefix("in doubt") == true)
                }
            }
        }
    }
}
