import Foundation
import SQLKit
import Testing
import WhatsApp

@testable import HeraldApp

/// Pre-flight prices the eligible audience with the same rate table, in the same micros, as the costs recorded from
/// status webhooks.
@Suite("Pre-flight cost")
struct PreflightCostTests {
    @Test("the estimate equals the sum of recorded costs once every eligible message is delivered and billable", arguments: Engine.available)
    func estimateEqualsRecorded(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let put = try await app.request(.put, "/api/rates", json: """
                {"currency":"EUR","as_of":"2026-11-30","rates":[
                  {"calling_code":"91","category":"marketing","price":"0.000001"},
                  {"calling_code":"234","category":"marketing","price":0.123457},
                  {"calling_code":"44","category":"marketing","price_micros":52901},
                  {"calling_code":"*","category":"marketing","price":0.0600}]}
                """)
            #expect(put.status == .ok, "\(put.text)")
            let contacts: [(String, String)] = [
                ("+919812345001", "opted_in"), ("+919812345002", "opted_in"), ("+2348012345003", "opted_in"), ("+447700900004", "opted_in"),
                ("+5511912345005", "opted_in"), ("+819012345006", "opted_in"), ("+12025550107", "opted_in"),
                ("+447700900008", "opted_out"), ("+919812345009", "unknown"),
            ]
            for (phone, consent) in contacts {
                let created = try await app.request(.post, "/api/contacts", json: #"{"phone":"\#(phone)","consent":{"status":"\#(consent)","source":"test"}}"#)
                #expect(created.status == .created, "\(created.text)")
            }
            let rates = try await app.services.messaging.rates.table(workspaceID: app.workspace.id)
            let preflight = try await app.database.read { sql in
                try await Preflight.compute(workspaceID: app.workspace.id, category: "MARKETING", rates: rates, account: nil, in: sql)
            }
            #expect(preflight.eligible == 6)
            #expect(preflight.estimatedCost == 1 + 1 + 123_457 + 52_901 + 60_000 + 60_000)
            #expect(preflight.costByCallingCode == ["91": 2, "234": 123_457, "44": 52_901, "*": 120_000])

            let f = try await MessagingFixture.make(app, contacts: 0)
            #expect(f.messages.count == preflight.eligible, "the campaign freezes the same eligible audience")
            let delivered = f.messages.indices.flatMap { [f.status($0, "sent"), f.status($0, "delivered", at: 1)] }
            #expect(try await f.deliver(f.statuses(delivered)).status == .ok)
            try await f.process()
            let recorded = try await app.database.read { sql in
                try await sql.raw(
                    "SELECT CAST(SUM(cost_micros) AS BIGINT) AS total, MIN(cost_currency) AS lo, MAX(cost_currency) AS hi, COUNT(cost_micros) AS n FROM messages WHERE campaign_id = \(bind: f.campaign.id)"
                ).first()!
            }
            #expect(try recorded.decode(column: "n", as: Int.self) == preflight.eligible)
            #expect(try recorded.decode(column: "total", as: Int64.self) == preflight.estimatedCost)
            #expect(try recorded.decode(column: "lo", as: String.self) == "EUR" && recorded.decode(column: "hi", as: String.self) == "EUR")
            #expect(try await f.stats().costMicros == preflight.estimatedCost)

            // The JSON keeps the decimal beside the exact micros.
            let json = String(decoding: try JSONEncoder().encode(preflight), as: UTF8.self)
            #expect(json.contains(#""estimated_cost":0.29636"#), "\(json)")
            #expect(json.contains(#""estimated_cost_micros":296360"#), "\(json)")
        }
    }
}
