import Foundation
import Experiments
import HeraldTestSupport
import SQLKit
import Testing
import WhatsApp

@testable import HeraldApp

/// The rollups are exact however webhooks arrive (issue 12, "Done when" 1): a campaign's webhooks replayed duplicated
/// and reordered give the same numbers as a clean run, and the cells equal a recomputation from raw events.
@Suite("Rollups under duplicated and reordered webhooks")
struct RollupReplayTests {
    static let size = 36

    /// One campaign's traffic: status deliveries of a few items each, replies and clicks, built from message indexes only
    /// (ids differ between databases).
    enum Step {
        case statuses([(Int, String, TimeInterval, Int?)])
        case reply(Int, id: String, at: TimeInterval)
        case click(Int)
    }

    static func script() -> [Step] {
        var steps: [Step] = []
        for i in 0..<size {
            var items: [(Int, String, TimeInterval, Int?)] = [(i, "sent", 1, nil)]
            if i % 7 == 6 {
                items = [(i, "failed", 2, i % 2 == 0 ? 131026 : 131047)]
            } else {
                if i % 5 != 0 { items.append((i, "delivered", 2, nil)) }
                if i % 3 == 0 { items.append((i, "read", 3, nil)) }
            }
            steps.append(.statuses(items))
            if i % 4 == 0 { steps.append(.reply(i, id: "wamid.reply\(i)a", at: 10)) }
            if i % 8 == 0 { steps.append(.reply(i, id: "wamid.reply\(i)b", at: 11)) }
            if i % 6 == 0 { steps.append(.click(i)) }
            if i % 12 == 0 { steps.append(.click(i)) }
        }
        // A read that arrives before its delivered and sent, in a delivery of its own.
        steps.append(.statuses([(32, "read", 4, nil)]))
        return steps
    }

    /// Cells keyed by what does not depend on ids: country and bucket.
    final class Box: @unchecked Sendable { var value = Snapshot() }

    struct Snapshot: Equatable {
        var cells: [String: [Int64]] = [:]
        var failures: [String: Int64] = [:]
        var money: [String: Int64] = [:]
        var stats: [Int] = []
    }

    func makeFixture(_ app: TestApp) async throws -> MessagingFixture {
        let f = try await MessagingFixture.make(app, contacts: Self.size)
        // Three cohorts (quarter hours) and three countries, as if the campaign went out over 40 minutes worldwide.
        try await app.database.transaction { sql in
            for (index, message) in f.messages.enumerated() {
                let country = ["DE", "BR", "IN"][index % 3]
                let cohort = Date(timeIntervalSince1970: 1_789_999_200 + Double(index / 12) * 900 + 60)
                try await sql.raw("UPDATE messages SET cohort_at = \(bind: cohort), country = \(bind: country) WHERE id = \(bind: message.id)").run()
            }
        }
        return f
    }

    func run(_ f: MessagingFixture, _ step: Step) async throws {
        switch step {
        case .statuses(let items):
            let updates = items.map { i, status, at, code in
                f.status(i, status, at: at, errors: code.map { [WebhookError(code: $0, title: "Message undeliverable")] } ?? [])
            }
            #expect(try await f.deliver(f.statuses(updates)).status == .ok)
        case .reply(let i, let id, let at):
            let message = InboundMessage(
                wamid: id, from: String(f.messages[i].phone.dropFirst()), timestamp: Date(timeIntervalSince1970: 1_790_000_000 + at),
                type: "text", text: "Nice", contextID: f.messages[i].wamid
            )
            #expect(try await f.deliver(f.inbound(message)).status == .ok)
        case .click(let i):
            let token = try await f.app.database.read { sql in
                try await sql.raw("SELECT click_token FROM messages WHERE id = \(bind: f.messages[i].id)").first()!.decode(column: "click_token", as: String.self)
            }
            #expect(try await f.app.request(.get, "/r/\(token)", key: "").status == .found)
        }
    }

    func snapshot(_ f: MessagingFixture) async throws -> Snapshot {
        try await f.app.database.read { sql in
            var s = Snapshot()
            for row in try await sql.raw(
                "SELECT country, bucket, sent, delivered, read, clicked, clicks, replied, replies, failed FROM analytics_cells WHERE campaign_id = \(bind: f.campaign.id)"
            ).all() {
                let key = "\(try row.decode(column: "country", as: String.self))@\(try row.decode(column: "bucket", as: Int64.self))"
                s.cells[key] = try ["sent", "delivered", "read", "clicked", "clicks", "replied", "replies", "failed"].map { try row.decode(column: $0, as: Int64.self) }
            }
            for row in try await sql.raw(
                "SELECT country, bucket, error_code, failed FROM analytics_failures WHERE campaign_id = \(bind: f.campaign.id)"
            ).all() {
                let key = "\(try row.decode(column: "country", as: String.self))@\(try row.decode(column: "bucket", as: Int64.self))#\(try row.decode(column: "error_code", as: Int.self))"
                s.failures[key] = try row.decode(column: "failed", as: Int64.self)
            }
            for row in try await sql.raw(
                "SELECT country, bucket, currency, cost_micros FROM analytics_money WHERE campaign_id = \(bind: f.campaign.id)"
            ).all() {
                let key = "\(try row.decode(column: "country", as: String.self))@\(try row.decode(column: "bucket", as: Int64.self))\(try row.decode(column: "currency", as: String.self))"
                s.money[key] = try row.decode(column: "cost_micros", as: Int64.self)
            }
            let stats = try await CampaignStats.load(campaignID: f.campaign.id, in: sql)
            s.stats = [stats.sent, stats.delivered, stats.read, stats.clicked, stats.replied, stats.failed]
            return s
        }
    }

    @Test("every delivery twice, shuffled, gives the clean run's cells, and both equal a recomputation from raw events", arguments: Engine.available)
    func replay(engine: Engine) async throws {
        let steps = Self.script()
        let box = Box()
        try await TestApp.with(engine) { app in
            let f = try await makeFixture(app)
            for step in steps {
                try await run(f, step)
                try await f.process()
            }
            let differences = try await RollupRebuild(database: app.database).verify(campaignID: f.campaign.id)
            #expect(differences.isEmpty, "\(differences)")
            box.value = try await snapshot(f)
        }
        let clean = box.value
        // Hand-checked totals of the script: 36 messages, 5 failed (i % 7 == 6).
        let totals = clean.cells.values.reduce(into: [Int64](repeating: 0, count: 8)) { t, c in for k in 0..<8 { t[k] += c[k] } }
        #expect(totals[0] == 31, "sent: every message not failed (the 5 failed ones have no sent status)")
        #expect(totals[1] == 27, "delivered: the 31 not failed less the 7 with i % 5 == 0, plus 0, 15 and 30, whose read implies it")
        #expect(totals[2] == 11, "read: i % 3 == 0 and not failed (10), and message 32's lone read")
        #expect(totals[7] == 5, "failed")
        #expect(totals[3] == 6 && totals[4] == 9, "clicked 6 messages (i % 6 == 0), 9 clicks (3 of them twice)")
        #expect(totals[5] == 9 && totals[6] == 14, "replied 9 messages (i % 4 == 0), 14 replies (5 of them twice)")
        #expect(clean.cells.count == 9, "3 countries × 3 quarter hours")

        var generator = SeededGenerator(seed: 12)
        var shuffled: [Step] = []
        for step in steps {
            if case .click = step { shuffled.append(step) } else { shuffled += [step, step] }
        }
        shuffled.shuffle(using: &generator)
        let replaySteps = shuffled
        try await TestApp.with(engine) { app in
            let f = try await makeFixture(app)
            for (index, step) in replaySteps.enumerated() {
                try await run(f, step)
                if index % 5 == 4 { try await f.process() }
            }
            try await f.process()
            let replayed = try await snapshot(f)
            #expect(replayed == clean)
            let differences = try await RollupRebuild(database: app.database).verify(campaignID: f.campaign.id)
            #expect(differences.isEmpty, "\(differences)")
            // A rebuild from raw events changes nothing.
            try await RollupRebuild(database: app.database).rebuild(campaignID: f.campaign.id)
            #expect(try await snapshot(f) == clean)
        }
    }
}
