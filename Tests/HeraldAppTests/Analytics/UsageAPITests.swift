import Foundation
import SQLKit
import Testing

@testable import HeraldApp

/// Four campaigns started this month (two with a saved segment, one with a completed A/B test), one started long ago
/// and one imported, which do not count; cells give the segmented campaigns 30 clicked of 100 delivered and the
/// others 20 of 200; the test's winner had 12 clicked of 40 delivered in its test phase, the other arm 6 of 40.
struct UsageFixture {
    let app: TestApp
    let segmentedA = UUID.timeOrdered(), segmentedB = UUID.timeOrdered(), plain = UUID.timeOrdered(), tested = UUID.timeOrdered()
    let old = UUID.timeOrdered(), imported = UUID.timeOrdered()

    static func make(_ app: TestApp, now: Date = Date()) async throws -> UsageFixture {
        let f = UsageFixture(app: app)
        let w = app.workspace.id
        let segment = UUID.timeOrdered(), test = UUID.timeOrdered(), winner = UUID.timeOrdered(), loser = UUID.timeOrdered()
        try await app.database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO segments (id, workspace_id, name, kind, rules, created_at, updated_at)
                VALUES (\(bind: segment), \(bind: w), 'VIP', 'static', '{}', \(bind: now), \(bind: now))
                """
            ).run()
            let campaigns: [(UUID, String, UUID?, String, Date)] = [
                (f.segmentedA, "Seg A", segment, "completed", now - 86_400), (f.segmentedB, "Seg B", segment, "sending", now - 3600),
                (f.plain, "Plain", nil, "completed", now - 2 * 86_400), (f.tested, "Tested", nil, "completed", now - 5 * 86_400),
                (f.old, "Old", segment, "completed", now - 100 * 86_400), (f.imported, "Imported", segment, "imported", now - 86_400),
            ]
            for (id, name, segmentID, status, started) in campaigns {
                try await sql.raw(
                    """
                    INSERT INTO campaigns (id, workspace_id, name, status, segment_id, started_at, created_at, updated_at)
                    VALUES (\(bind: id), \(bind: w), \(bind: name), \(bind: status), \(bind: segmentID), \(bind: started), \(bind: started), \(bind: started))
                    """
                ).run()
            }
            let none = CellKey.noVariation, bucket = Int64(now.timeIntervalSince1970) / 900 * 900
            // sent, delivered, read, clicked, clicks, replied, replies, failed, converted, orders
            try await AnalyticsMetricsFixture.cell(w, f.segmentedA, none, "DE", bucket, [60, 60, 30, 20, 20, 0, 0, 0, 0, 0], in: sql)
            try await AnalyticsMetricsFixture.cell(w, f.segmentedB, none, "DE", bucket, [40, 40, 20, 10, 12, 0, 0, 0, 0, 0], in: sql)
            try await AnalyticsMetricsFixture.cell(w, f.plain, none, "DE", bucket, [120, 120, 50, 12, 15, 0, 0, 0, 0, 0], in: sql)
            try await AnalyticsMetricsFixture.cell(w, f.tested, none, "DE", bucket, [80, 80, 40, 8, 8, 0, 0, 0, 0, 0], in: sql)
            try await AnalyticsMetricsFixture.cell(w, f.old, none, "DE", bucket - 86_400 * 100, [100, 100, 0, 100, 100, 0, 0, 0, 0, 0], in: sql)
            try await AnalyticsMetricsFixture.cell(w, f.imported, none, "DE", bucket, [100, 100, 0, 100, 100, 0, 0, 0, 0, 0], in: sql)
            try await sql.raw(
                """
                INSERT INTO ab_tests (id, workspace_id, campaign_id, name, status, test_percentage, duration_hours, success_metric, created_at, updated_at)
                VALUES (\(bind: test), \(bind: w), \(bind: f.tested), 'Tested', 'running', 20, 24, 'click', \(bind: now), \(bind: now))
                """
            ).run()
            for (position, id) in [winner, loser].enumerated() {
                try await sql.raw(
                    """
                    INSERT INTO ab_test_variations (id, workspace_id, ab_test_id, position, name, share, variables, created_at, updated_at)
                    VALUES (\(bind: id), \(bind: w), \(bind: test), \(bind: position), \(bind: position == 0 ? "A" : "B"), 50, '{}', \(bind: now), \(bind: now))
                    """
                ).run()
            }
            try await sql.raw("UPDATE ab_tests SET status = 'completed', winner_variation_id = \(bind: winner) WHERE id = \(bind: test)").run()
            // Test phase: winner 12 clicked of 40 delivered, loser 6 of 40; the winner send's messages do not count.
            let arms: [(UUID, String, Int, Int)] = [(winner, "test", 40, 12), (loser, "test", 40, 6), (winner, "winner", 40, 40)]
            var index = 0
            for (variation, phase, delivered, clicked) in arms {
                for n in 0..<delivered {
                    index += 1
                    let contact = UUID.timeOrdered()
                    try await sql.raw(
                        """
                        INSERT INTO contacts (id, workspace_id, phone, name, tags, attributes, created_at, updated_at)
                        VALUES (\(bind: contact), \(bind: w), \(bind: "+49151\(String(format: "%08d", index))"), 'x', '[]', '{}', \(bind: now), \(bind: now))
                        """
                    ).run()
                    try await sql.raw(
                        """
                        INSERT INTO messages (id, workspace_id, campaign_id, contact_id, status, variation_id, ab_phase, delivered_at, clicked_at,
                            click_count, created_at, updated_at)
                        VALUES (\(bind: UUID.timeOrdered()), \(bind: w), \(bind: f.tested), \(bind: contact), 'delivered', \(bind: variation), \(bind: phase),
                            \(bind: now), \(bind: n < clicked ? now : nil), \(bind: n < clicked ? 1 : 0), \(bind: now), \(bind: now))
                        """
                    ).run()
                }
            }
        }
        return f
    }
}

@Suite("Usage: adoption figures")
struct UsageAPITests {
    @Test("usage counts recent non-imported campaigns, the segmented and A/B shares, both click-rate lifts and weekly active users",
          arguments: Engine.available)
    func usage(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await UsageFixture.make(app)
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            // Two page views on one day count the user once; a session read also writes the activity row.
            for _ in 0..<2 { _ = try await app.request(.get, "/contacts", key: "", headers: [.cookie: cookie]) }
            let response = try await app.request(.get, "/api/analytics/usage")
            #expect(response.status == .ok, "\(response.text)")
            let json = response.json
            #expect(json["window_days"].number == 90)
            #expect(json["campaigns"]["started"].number == 4)
            #expect(json["campaigns"]["segmented"].number == 2)
            #expect(json["campaigns"]["segmented_share"].number == 0.5)
            #expect(json["campaigns"]["ab_tested"].number == 1)
            #expect(json["campaigns"]["ab_tested_share"].number == 0.25)
            #expect(json["weekly_active_users"].number == 1)
            let segmented = json["click_rate_lift"]["segmented"]
            #expect(segmented["segmented"]["numerator"].number == 30 && segmented["segmented"]["denominator"].number == 100)
            #expect(segmented["unsegmented"]["numerator"].number == 20 && segmented["unsegmented"]["denominator"].number == 200)
            // 0.30 / 0.10 - 1
            #expect(abs((segmented["lift"].number ?? 0) - 2.0) < 1e-9, "\(segmented)")
            let ab = json["click_rate_lift"]["ab_winners"]
            #expect(ab["tests"].number == 1)
            #expect(ab["winners"]["numerator"].number == 12 && ab["winners"]["denominator"].number == 40)
            #expect(ab["others"]["numerator"].number == 6 && ab["others"]["denominator"].number == 40)
            #expect(abs((ab["lift"].number ?? 0) - 1.0) < 1e-9, "\(ab)")
            let rows = try await app.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM user_activity WHERE workspace_id = \(bind: app.workspace.id)").first()!.decode(column: "n", as: Int.self)
            }
            #expect(rows == 1)
        }
    }

    @Test("Settings › Usage shows the same figures as cards", arguments: Engine.available)
    func page(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await UsageFixture.make(app)
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            let page = try await WebConsoleAnalyticsTests.page(app, "/settings/usage", cookie: cookie)
            #expect(page.contains(#"id="tab-usage" class="active""#))
            #expect(WebConsoleAnalyticsTests.card(page, "segmented") == "50 %")
            #expect(WebConsoleAnalyticsTests.card(page, "ab_tested") == "25 %")
            #expect(WebConsoleAnalyticsTests.card(page, "weekly_active_users") == "1")
            #expect(WebConsoleAnalyticsTests.card(page, "segment_lift") == "+200 %")
            #expect(WebConsoleAnalyticsTests.card(page, "ab_winner_lift") == "+100 %")
        }
    }

    @Test("without campaigns every share and lift is null", arguments: Engine.available)
    func empty(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let json = try await app.request(.get, "/api/analytics/usage").json
            #expect(json["campaigns"]["started"].number == 0)
            #expect(json["campaigns"]["segmented_share"] == JSONValue.null)
            #expect(json["click_rate_lift"]["segmented"]["lift"] == JSONValue.null)
            #expect(json["click_rate_lift"]["ab_winners"]["lift"] == JSONValue.null)
            #expect(json["weekly_active_users"].number == 0)
        }
    }

    @Test("the usage worker records the figures as gauges that /metrics shows", arguments: Engine.available)
    func gauges(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await UsageFixture.make(app)
            try await UsageMetricsWorker(store: UsageStore(database: app.database), logger: TestDatabase.logger).refresh()
            let metrics = try await app.request(.get, "/metrics").text
            let w = app.workspace.id.uuidString.lowercased()
            let lines = metrics.split(separator: "\n").filter { $0.contains(w) }
            func value(_ name: String, kind: String? = nil) -> Double? {
                let line = lines.first { line in line.hasPrefix(name + "{") && (kind.map { line.contains(#"kind="\#($0)""#) } ?? true) }
                return line.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            }
            #expect(value("herald_campaigns_segmented_ratio") == 0.5, "\(lines)")
            #expect(value("herald_campaigns_ab_tested_ratio") == 0.25)
            #expect(value("herald_console_weekly_active_users") == 0)
            #expect(abs((value("herald_click_rate_lift", kind: "segmented") ?? 0) - 2) < 1e-9)
            #expect(abs((value("herald_click_rate_lift", kind: "ab_winner") ?? 0) - 1) < 1e-9)
        }
    }
}
