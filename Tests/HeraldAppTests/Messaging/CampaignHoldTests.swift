import Foundation
import SQLKit
import Testing

@testable import HeraldApp

/// Herald holds (pauses with a reason) the campaigns that cannot go on: the same statuses whatever the cause.
@Suite("Campaign holds")
struct CampaignHoldTests {
    func status(_ app: TestApp, _ id: UUID) async throws -> (status: String, reason: String?) {
        try await app.database.read { sql in
            let row = try await sql.raw("SELECT status, status_reason FROM campaigns WHERE id = \(bind: id)").first()!
            return (try row.decode(column: "status", as: String.self), try row.decode(column: "status_reason", as: String?.self))
        }
    }

    func setStatus(_ app: TestApp, _ id: UUID, _ status: String) async throws {
        try await app.database.transaction { sql in
            try await sql.raw("UPDATE campaigns SET status = \(bind: status) WHERE id = \(bind: id)").run()
        }
    }

    @Test("an account halt holds the account's scheduled campaigns as well as its sending ones", arguments: Engine.available)
    func haltHoldsScheduled(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 1)
            let later = try await app.request(
                .post, "/api/campaigns",
                json: """
                    {"name":"Later","template_id":"\(f.template.id)","variables":{"1":{"field":"first_name","fallback":"there"},"2":{"text":"5%"}},
                     "cta_url":"https://shop.example/later"}
                    """)
            let laterID = try #require(later.json["id"].string.flatMap(UUID.init(uuidString:)), "\(later.text)")
            let draft = try await app.request(
                .post, "/api/campaigns",
                json: """
                    {"name":"Idea","template_id":"\(f.template.id)","variables":{"1":{"text":"you"},"2":{"text":"1%"}},
                     "cta_url":"https://shop.example/idea"}
                    """)
            let draftID = try #require(draft.json["id"].string.flatMap(UUID.init(uuidString:)), "\(draft.text)")
            #expect(try await app.request(.post, "/api/campaigns/\(laterID)/schedule", json: #"{"scheduled_at":"2030-01-15T09:30"}"#).status == .ok)

            try await app.database.transaction { sql in
                try await SendOutcome.halt(accountID: f.account.id, workspaceID: app.workspace.id, detail: "token expired", in: sql)
            }
            #expect(try await status(app, f.campaign.id) == ("paused", "account halted: token expired"))
            // Before: only sending campaigns were held, so this one would start on time with nobody able to send it,
            // and go out whenever the account came back, without the marketer resuming it as the halt alert asks.
            #expect(try await status(app, laterID) == ("paused", "account halted: token expired"))
            #expect(try await status(app, draftID).status == "draft")
        }
    }
}
