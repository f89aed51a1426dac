import Foundation
import SQLKit
import Storage
import Testing

@testable import HeraldApp

@Suite("Alert rules and episodes")
struct AlertRuleTests {
    @Test("delivery rate under 90 % with 200 sent fires once per episode and resolves when deliveries recover", arguments: Engine.available)
    func deliveryRate(engine: Engine) async throws {
        try await AlertFixture.with(engine) { f in
            let spring = try await f.campaign("Spring sale"), quiet = try await f.campaign("Quiet")
            try await f.cell(spring, at: alertNow.addingTimeInterval(-120), sent: 300, delivered: 200, failed: 100)
            // Too little volume to judge, however bad.
            try await f.cell(quiet, at: alertNow.addingTimeInterval(-120), sent: 150, delivered: 10)
            let first = try await f.evaluate(at: alertNow)
            #expect(first.fired.count == 1)
            let again = try await f.evaluate(at: alertNow.addingTimeInterval(1))
            #expect(again.fired.isEmpty && again.resolved.isEmpty)
            let episodes = try await f.episodes()
            #expect(episodes.count == 1)
            #expect(episodes.first?.campaignID == spring)
            #expect(episodes.first?.kind == "delivery_rate")
            #expect(abs((episodes.first?.value ?? 0) - 2.0 / 3.0) < 1e-9)
            #expect(episodes.first?.message.contains("Spring sale") == true)

            // The same hour, more delivered: 470 of 500 = 94 %.
            try await f.cell(spring, at: alertNow.addingTimeInterval(-60), sent: 200, delivered: 270)
            let later = try await f.evaluate(at: alertNow.addingTimeInterval(2))
            #expect(later.resolved == [episodes[0].id])
            #expect(try await f.episodes().first?.resolvedAt != nil)

            let api = try await f.app.request(.get, "/api/alerts")
            let listed = api.json["data"].array.first { $0["rule_id"].string != nil }
            #expect(listed?["rule"].string == "Delivery rate under 90 % in the last hour")
            #expect(listed?["details"]["base"].number == 300)
        }
    }

    @Test("an episode without volume for two windows resolves", arguments: Engine.available)
    func noVolume(engine: Engine) async throws {
        try await AlertFixture.with(engine) { f in
            let campaign = try await f.campaign("Spring sale")
            try await f.cell(campaign, at: alertNow.addingTimeInterval(-120), sent: 300, delivered: 100)
            #expect(try await f.evaluate(at: alertNow).fired.count == 1)
            // 1.5 hours later the window is empty, but the two-window range still holds the volume.
            #expect(try await f.evaluate(at: alertNow.addingTimeInterval(5400)).resolved.isEmpty)
            #expect(try await f.evaluate(at: alertNow.addingTimeInterval(3 * 3600)).resolved.count == 1)
        }
    }

    @Test("a spike of one error code fires when it reaches 50 and five times its mean, and clears against a busy week", arguments: Engine.available)
    func errorSpike(engine: Engine) async throws {
        try await AlertFixture.with(engine) { f in
            let campaign = try await f.campaign("Spring sale")
            try await f.failures(campaign, at: alertNow.addingTimeInterval(-300), code: 131026, count: 60)
            try await f.failures(campaign, at: alertNow.addingTimeInterval(-300), code: 131049, count: 20)
            let first = try await f.evaluate(at: alertNow)
            #expect(first.fired.count == 1)
            #expect(try await f.evaluate(at: alertNow.addingTimeInterval(1)).fired.isEmpty)
            let episode = try #require(try await f.episodes().first)
            #expect(episode.kind == "error_code_spike")
            #expect(episode.value == 60)
            #expect(episode.message.contains("131026"))
            // A week with 20 an hour of the same code (3,360 failures two days ago): 60 is under 5 × 20.
            try await f.failures(campaign, at: alertNow.addingTimeInterval(-2 * 86400), code: 131026, count: 3360)
            #expect(try await f.evaluate(at: alertNow.addingTimeInterval(2)).resolved == [episode.id])
        }
    }

    @Test("a campaign's read rate 3 standard errors under the workspace norm fires, and clears near the norm", arguments: Engine.available)
    func readNorm(engine: Engine) async throws {
        try await AlertFixture.with(engine) { f in
            let usual = try await f.campaign("Newsletter"), odd = try await f.campaign("Odd one")
            try await f.cell(usual, at: alertNow.addingTimeInterval(-5 * 86400), sent: 10000, delivered: 10000, read: 8000)
            try await f.cell(odd, at: alertNow.addingTimeInterval(-3600), sent: 600, delivered: 600, read: 300)
            let first = try await f.evaluate(at: alertNow)
            let episodes = try await f.episodes()
            #expect(first.fired.count == 1)
            #expect(episodes.map(\.kind) == ["read_rate_vs_norm"])
            #expect(episodes.first?.campaignID == odd)
            #expect(try await f.evaluate(at: alertNow.addingTimeInterval(1)).fired.isEmpty)
            // 470 of 600 = 78 %: within 3 standard errors (1.6 points each) of 80 %.
            try await f.cell(odd, at: alertNow.addingTimeInterval(-3600), sent: 600, delivered: 600, read: 470)
            #expect(try await f.evaluate(at: alertNow.addingTimeInterval(2)).resolved.count == 1)
        }
    }

    @Test("spend over a campaign's budget fires, and clears when the budget is raised", arguments: Engine.available)
    func budget(engine: Engine) async throws {
        try await AlertFixture.with(engine) { f in
            let campaign = try await f.campaign("Spring sale", budgetMicros: 1_000_000, currency: "USD")
            try await f.cost(campaign, at: alertNow.addingTimeInterval(-86400), micros: 1_500_000, currency: "USD")
            #expect(try await f.evaluate(at: alertNow).fired.count == 1)
            #expect(try await f.evaluate(at: alertNow.addingTimeInterval(1)).fired.isEmpty)
            let episode = try #require(try await f.episodes().first)
            #expect(episode.kind == "spend_over_budget")
            #expect(episode.value == 1.5)
            try await f.database.transaction { sql in
                try await sql.raw("UPDATE campaigns SET budget_micros = 2000000 WHERE id = \(bind: campaign)").run()
            }
            #expect(try await f.evaluate(at: alertNow.addingTimeInterval(2)).resolved == [episode.id])
        }
    }

    @Test("a template paused or downgraded by Meta opens one episode each, closed when approved or green again", arguments: Engine.available)
    func templateStatus(engine: Engine) async throws {
        try await AlertFixture.with(engine) { f in
            let account = UUID(), workspaceID = f.workspaceID, dialect = f.database.dialect
            @Sendable func apply(_ status: String?, quality: String? = nil) async throws {
                try await f.database.transaction { sql in
                    if let status {
                        try await AlertEventRules.templateStatus(
                            workspaceID: workspaceID, accountID: account, name: "spring_sale", language: "en", status: status, reason: nil,
                            dialect: dialect, in: sql
                        )
                    }
                    if let quality {
                        try await AlertEventRules.templateQuality(
                            workspaceID: workspaceID, accountID: account, name: "spring_sale", language: "en", quality: quality, dialect: dialect, in: sql
                        )
                    }
                }
            }
            try await apply("PAUSED")
            try await apply("PAUSED")
            try await apply(nil, quality: "YELLOW")
            try await apply(nil, quality: "RED")
            #expect(try await f.episodes().filter { $0.resolvedAt == nil }.count == 2)
            try await apply("APPROVED")
            try await apply(nil, quality: "GREEN")
            let episodes = try await f.episodes()
            #expect(episodes.count == 2)
            #expect(episodes.allSatisfy { $0.resolvedAt != nil && $0.kind == "template_status" })
        }
    }

    @Test("an A/B test's outcome is an info episode opened and closed at once", arguments: Engine.available)
    func abTestOutcome(engine: Engine) async throws {
        try await AlertFixture.with(engine) { f in
            let campaign = try await f.campaign("Spring sale"), workspaceID = f.workspaceID, dialect = f.database.dialect
            try await f.database.transaction { sql in
                try await AlertEventRules.abTestOutcome(
                    workspaceID: workspaceID, campaignID: campaign, testID: UUID(), decided: true, message: "A/B test decided: B wins", now: alertNow,
                    dialect: dialect, in: sql
                )
            }
            let episodes = try await f.episodes()
            #expect(episodes.count == 1)
            #expect(episodes.first?.level == "info")
            #expect(episodes.first?.resolvedAt != nil)
        }
    }

    @Test("a switched-off rule fires nothing and closes its open episodes", arguments: Engine.available)
    func disabled(engine: Engine) async throws {
        try await AlertFixture.with(engine) { f in
            let campaign = try await f.campaign("Spring sale")
            try await f.cell(campaign, at: alertNow.addingTimeInterval(-120), sent: 300, delivered: 100)
            #expect(try await f.evaluate(at: alertNow).fired.count == 1)
            let rule = try await f.rule(.deliveryRate)
            let response = try await f.app.request(.put, "/api/alerts/rules/\(rule.id)", json: #"{"enabled": false}"#)
            #expect(response.status == .ok)
            let after = try await f.evaluate(at: alertNow.addingTimeInterval(1))
            #expect(after.fired.isEmpty && after.resolved.count == 1)
        }
    }

    @Test("two workers evaluating one workspace at once open one episode and queue one notification", arguments: Engine.available)
    func twoWorkers(engine: Engine) async throws {
        try await AlertFixture.with(engine) { f in
            let campaign = try await f.campaign("Spring sale")
            try await f.cell(campaign, at: Date().addingTimeInterval(-60), sent: 300, delivered: 100)
            let hook = try await f.app.request(.post, "/api/alerts/webhooks", json: #"{"name": "Ops", "url": "http://127.0.0.1:9/hook"}"#)
            #expect(hook.status == .created)
            for round in 0..<3 {
                let now = Date().addingTimeInterval(Double(round))
                let a = f.worker(owner: "a"), b = f.worker(owner: "b")
                async let first = a.evaluateDue(now: now)
                async let second = b.evaluateDue(now: now)
                let claims = [try await first, try await second].filter { $0 }
                #expect(claims.count <= 1 || round > 0)
            }
            #expect(try await f.count("alerts", "rule_id IS NOT NULL") == 1)
            #expect(try await f.count("alert_notifications") == 1)
            // A server that finds a workspace's lease held does not evaluate it.
            #expect(try await f.count("analytics_state", "alerts_next_at IS NOT NULL") == 1)
        }
    }

    @Test("acknowledging marks an episode seen without resolving it", arguments: Engine.available)
    func acknowledge(engine: Engine) async throws {
        try await AlertFixture.with(engine) { f in
            let campaign = try await f.campaign("Spring sale")
            try await f.cell(campaign, at: alertNow.addingTimeInterval(-120), sent: 300, delivered: 100)
            try await f.evaluate(at: alertNow)
            let episode = try #require(try await f.episodes().first)
            #expect(try await f.app.request(.post, "/api/alerts/\(episode.id)/acknowledge").status == .noContent)
            let listed = try await f.app.request(.get, "/api/alerts?open=true").json["data"][0]
            #expect(listed["id"].string == episode.id.uuidString.lowercased())
            #expect(listed["acknowledged_at"].string != nil)
            #expect(listed["acknowledged_by"].string?.isEmpty == false)
            #expect(listed["resolved_at"] == .null)
            expectError(try await f.app.request(.post, "/api/alerts/\(UUID())/acknowledge"), .notFound)
            expectError(try await f.app.request(.post, "/api/alerts/not-an-id/acknowledge"), .notFound)
        }
    }

    @Test("rules: built-ins are listed, editable but not deletable; custom rules are checked field by field", arguments: Engine.available)
    func ruleAPI(engine: Engine) async throws {
        try await AlertFixture.with(engine) { f in
            let list = try await f.app.request(.get, "/api/alerts/rules")
            #expect(list.status == .ok)
            #expect(list.json["data"].array.compactMap { $0["builtin"].string }.sorted() == AlertBuiltin.allCases.map(\.rawValue).sorted())
            let builtin = try await f.rule(.deliveryRate)
            expectError(try await f.app.request(.delete, "/api/alerts/rules/\(builtin.id)"), .conflict, code: "builtin_rule")
            expectError(try await f.app.request(.put, "/api/alerts/rules/\(builtin.id)", json: #"{"metric": "read_rate"}"#), .unprocessableContent,
                code: "builtin_field", field: "metric")
            let edited = try await f.app.request(.put, "/api/alerts/rules/\(builtin.id)", json: #"{"threshold": 0.8, "min_volume": 500}"#)
            #expect(edited.status == .ok)
            #expect(edited.json["threshold"].number == 0.8)
            #expect(try await f.rule(.deliveryRate).minVolume == 500)

            let campaign = try await f.campaign("Spring sale")
            let bad: [(String, String)] = [
                (#"{"name": "x", "metric": "read_rate_vs_norm", "threshold": 1}"#, "metric"),
                (#"{"name": "x", "metric": "click_rate", "threshold": 1.5}"#, "threshold"),
                (#"{"name": "x", "metric": "click_rate"}"#, "threshold"),
                (#"{"name": "x", "metric": "click_rate", "threshold": 0.1, "scope": "campaign"}"#, "campaign_id"),
                (#"{"name": "x", "metric": "click_rate", "threshold": 0.1, "scope": "campaign", "campaign_id": "\#(UUID())"}"#, "campaign_id"),
                (#"{"name": "x", "metric": "click_rate", "threshold": 0.1, "window_seconds": 10}"#, "window_seconds"),
                (#"{"name": "x", "metric": "click_rate", "threshold": 0.1, "error_code": 131026}"#, "error_code"),
                (#"{"name": "x", "metric": "click_rate", "threshold": 0.1, "level": "loud"}"#, "level"),
                (#"{"name": "x", "metric": "click_rate", "threshold": 0.1, "colour": "red"}"#, "colour"),
                (#"{"metric": "click_rate", "threshold": 0.1}"#, "name"),
            ]
            for (body, field) in bad {
                expectError(try await f.app.request(.post, "/api/alerts/rules", json: body), .unprocessableContent, field: field)
            }
            #expect(try await f.count("alert_rules", "builtin IS NULL") == 0)
            let created = try await f.app.request(
                .post, "/api/alerts/rules",
                json: #"{"name": "Clicks low", "metric": "click_rate", "threshold": 0.05, "scope": "campaign", "campaign_id": "\#(campaign)", "level": "critical"}"#
            )
            #expect(created.status == .created)
            #expect(created.json["comparison"].string == "below")
            #expect(created.json["campaign_id"].string == campaign.uuidString.lowercased())
            let id = try #require(created.json["id"].string)
            #expect(try await f.app.request(.delete, "/api/alerts/rules/\(id)").status == .noContent)
            expectError(try await f.app.request(.delete, "/api/alerts/rules/\(id)"), .notFound)
        }
    }

    @Test("deleting a custom rule resolves its open episodes and tells the webhooks, in the same transaction", arguments: Engine.available)
    func deleteResolves(engine: Engine) async throws {
        try await AlertFixture.with(engine) { f in
            let campaign = try await f.campaign("Spring sale")
            try await f.cell(campaign, at: alertNow.addingTimeInterval(-120), sent: 300, delivered: 100)
            #expect(try await f.app.request(.post, "/api/alerts/webhooks", json: #"{"name": "Ops", "url": "http://127.0.0.1:9/hook"}"#).status == .created)
            let created = try await f.app.request(.post, "/api/alerts/rules", json: #"{"name": "Delivery under half", "metric": "delivery_rate", "threshold": 0.5}"#)
            let ruleID = try #require(UUID(uuidString: created.json["id"].string ?? ""), "\(created.text)")
            #expect(try await f.evaluate(at: alertNow).fired.count == 2, "the built-in rule and the custom one")
            let episode = try #require(try await f.episodes().first { $0.ruleID == ruleID })
            #expect(episode.resolvedAt == nil)

            #expect(try await f.app.request(.delete, "/api/alerts/rules/\(ruleID)").status == .noContent)
            let after = try #require(try await f.services.messaging.alerts.list(workspaceID: f.workspaceID).first { $0.id == episode.id })
            #expect(after.resolvedAt != nil, "no rule evaluates it any more, so it is closed now")
            #expect(after.ruleID == nil)
            #expect(try await f.count("alerts", "resolved_at IS NULL AND rule_id IS NULL AND scope_key IS NOT NULL") == 0)
            let resolved = try await f.database.read { sql in
                try await sql.raw("SELECT body FROM alert_notifications WHERE event = 'resolved'").all().map { try $0.decode(column: "body", as: String.self) }
            }
            #expect(resolved.count == 1)
            #expect(resolved.first?.contains("Delivery under half") == true && resolved.first?.contains("(the rule was deleted)") == true)
            // The built-in rule's episode is untouched, and the next evaluation opens nothing for the deleted rule.
            #expect(try await f.evaluate(at: alertNow.addingTimeInterval(1)).fired.isEmpty)
            #expect(try await f.count("alerts", "resolved_at IS NULL") == 1)
        }
    }
}
