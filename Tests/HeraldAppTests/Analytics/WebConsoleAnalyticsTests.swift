import Foundation
import SQLKit
import Testing

@testable import HeraldApp

@Suite("Web console: analytics pages")
struct WebConsoleAnalyticsTests {
    /// The figure of one metric card.
    static func card(_ html: String, _ key: String) -> String? {
        guard let start = html.range(of: #"data-metric="\#(key)">"#) else { return nil }
        let rest = html[start.upperBound...]
        guard let value = rest.firstMatch(of: /<strong class="metric-value">([^<]*)<\/strong>/) else { return nil }
        return String(value.1)
    }

    static func page(_ app: TestApp, _ path: String, cookie: String) async throws -> String {
        let response = try await app.request(.get, path, key: "", headers: [.cookie: cookie])
        #expect(response.status == .ok, "\(path): \(response.text.prefix(500))")
        return response.text
    }

    @Test("the dashboard shows cards, both trend charts and top campaigns, and the date range changes a card", arguments: Engine.available)
    func overview(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await AnalyticsMetricsFixture.make(app)
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            let both = try await Self.page(app, "/analytics?from=2026-05-01&to=2026-05-02", cookie: cookie)
            #expect(Self.card(both, "sent") == "460", "all three quarter hours")
            #expect(Self.card(both, "delivered") == "425")
            #expect(both.contains("92.4 % · 425 of 460 sent"), "a rate says its base")
            #expect(both.components(separatedBy: "<svg").count == 3, "the trend at 640 and at 360 wide")
            #expect(both.contains(#"viewBox="0 0 640 280""#) && both.contains(#"viewBox="0 0 360 240""#))
            #expect(both.contains(#"<a href="/analytics/campaigns/\#(f.id(f.b))">Summer</a>"#), "top campaigns link to the drill-down")
            #expect(!both.contains(">Tiny</a></td>"), "under 100 delivered is not ranked")
            #expect(both.contains(#"<input type="date" id="from" name="from" value="2026-05-01">"#))
            let first = try await Self.page(app, "/analytics?from=2026-05-01&to=2026-05-01", cookie: cookie)
            #expect(Self.card(first, "sent") == "350", "the quarter hour past local midnight is out of range")
            let picked = try await Self.page(app, "/analytics?from=2026-05-01&to=2026-05-02&campaign_id=\(f.id(f.a))&country=&segment_id=", cookie: cookie)
            #expect(Self.card(picked, "sent") == "210", "the campaign picker narrows the cards; empty pickers are ignored")
            #expect(picked.contains(#"<option value="\#(f.id(f.a))" selected>Spring</option>"#))
            let roi = try await Self.page(app, "/analytics?from=2026-05-01&to=2026-05-02&top_by=roi", cookie: cookie)
            #expect(roi.contains("Top campaigns by ROI"))
            let bad = try await Self.page(app, "/analytics?from=2026-13-01", cookie: cookie)
            #expect(bad.contains(#"id="filter-problem""#), "a bad date is explained, not a 500")
        }
    }

    @Test("the dashboard says when the numbers are being rebuilt", arguments: Engine.available)
    func rebuilding(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            try await app.database.transaction { sql in
                try await sql.raw(
                    """
                    INSERT INTO analytics_state (workspace_id, rebuild_requested_at) VALUES (\(bind: app.workspace.id), \(bind: Date()))
                    ON CONFLICT (workspace_id) DO UPDATE SET rebuild_requested_at = excluded.rebuild_requested_at, rebuilt_at = NULL
                    """
                ).run()
            }
            let page = try await Self.page(app, "/analytics", cookie: cookie)
            #expect(page.contains(#"id="rebuilding""#))
        }
    }
}

extension WebConsoleAnalyticsTests {
    /// Campaign A of the metrics fixture gets three recipients with accented names: Zoë clicked, José read, Łukasz failed.
    static func recipients(_ f: AnalyticsMetricsFixture) async throws -> [String: UUID] {
        let w = f.app.workspace.id, now = Date()
        let people: [(String, String, String, UUID)] = [
            ("Zoë Quinn", "+4915100000001", "clicked", .timeOrdered()), ("José Ortiz", "+4915100000002", "read", .timeOrdered()),
            ("Łukasz Nowak", "+4915100000003", "failed", .timeOrdered()),
        ]
        let ids = Dictionary(uniqueKeysWithValues: people.map { ($0.0, $0.3) })
        try await f.app.database.transaction { sql in
            for (name, phone, step, contact) in people {
                try await sql.raw(
                    """
                    INSERT INTO contacts (id, workspace_id, phone, name, tags, attributes, created_at, updated_at)
                    VALUES (\(bind: contact), \(bind: w), \(bind: phone), \(bind: name), '[]', '{}', \(bind: now), \(bind: now))
                    """
                ).run()
                try await sql.raw(
                    """
                    INSERT INTO messages (id, workspace_id, campaign_id, contact_id, status, country, cohort_at, sent_at, delivered_at, read_at,
                        clicked_at, click_count, failed_at, error_code, created_at, updated_at)
                    VALUES (\(bind: UUID.timeOrdered()), \(bind: w), \(bind: f.a), \(bind: contact), \(bind: step == "failed" ? "failed" : "delivered"), 'DE',
                        \(bind: now), \(bind: now), \(bind: step == "failed" ? nil : now), \(bind: step == "failed" ? nil : now),
                        \(bind: step == "clicked" ? now : nil), \(bind: step == "clicked" ? 1 : 0), \(bind: step == "failed" ? now : nil),
                        \(bind: step == "failed" ? 131026 : nil), \(bind: now), \(bind: now))
                    """
                ).run()
            }
        }
        return ids
    }

    @Test("the comparison marks the best value of each row with a star named best", arguments: Engine.available)
    func compare(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await AnalyticsMetricsFixture.make(app)
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            let picker = try await Self.page(app, "/analytics/compare", cookie: cookie)
            #expect(picker.contains(#"<input type="checkbox" name="ids" value="\#(f.id(f.a))">"#))
            #expect(picker.contains(#"id="pick-hint""#))
            let page = try await Self.page(app, "/analytics/compare?ids=\(f.id(f.a))&ids=\(f.id(f.b))", cookie: cookie)
            #expect(page.contains(#"<input type="checkbox" name="ids" value="\#(f.id(f.a))" checked>"#))
            let row = try #require(page.components(separatedBy: #"<tr data-metric="click_rate">"#).dropFirst().first?.components(separatedBy: "</tr>").first)
            // Spring 40 of 195 (20.5 %), Summer 54 of 180 (30 %): Summer is best.
            #expect(row.contains(#"<td class="num best" title="54 of 180 delivered"><strong>30 %</strong> <span aria-label="best">★</span></td>"#), "\(row)")
            #expect(row.components(separatedBy: "★").count == 2, "one best")
            let one = try await Self.page(app, "/analytics/compare?ids=\(f.id(f.a))&ids=nonsense", cookie: cookie)
            #expect(one.contains(#"id="compare-problem""#))
        }
    }

    @Test("the drill-down shows the funnel with Converted, money cards, variations, segments and recipients", arguments: Engine.available)
    func campaign(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await AnalyticsMetricsFixture.make(app)
            let people = try await Self.recipients(f)
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            let path = "/analytics/campaigns/\(f.id(f.a))"
            let page = try await Self.page(app, path, cookie: cookie)
            #expect(page.contains(#"<h1>Spring"#))
            #expect(page.components(separatedBy: "<svg").count == 3, "the funnel at two widths")
            #expect(page.contains("<tr><td>Sent</td><td class=\"num\">210</td><td class=\"num\">base</td></tr>"), "\(page)")
            #expect(page.contains("<tr><td>Delivered</td><td class=\"num\">195</td><td class=\"num\">92.9 %</td></tr>"))
            #expect(page.contains("<tr><td>Converted</td><td class=\"num\">4</td><td class=\"num\">1.9 %</td></tr>"))
            for key in ["cost", "revenue", "roi", "return_on_spend"] { #expect(Self.card(page, key) != nil, "\(key)") }
            #expect(Self.card(page, "cost") == "4.6000 USD", "2.25 + 1.25 USD and 1.00 EUR at 1.1")
            #expect(page.contains(#"id="variations-table""#))
            #expect(page.contains(#"id="segments-table""#))
            let zoe = try #require(people["Zoë Quinn"]).uuidString.lowercased()
            #expect(page.contains(#"href="/contacts/\#(zoe)#journey">Zoë Quinn</a>"#), "each recipient links to the contact's journey")
            #expect(page.contains("Łukasz Nowak") && page.contains("error 131026"))
            let found = try await Self.page(app, path + "?q=Zo%C3%AB", cookie: cookie)
            #expect(found.contains("Zoë Quinn") && !found.contains("José Ortiz"), "the search finds Zoë")
            let clicked = try await Self.page(app, path + "?step=clicked", cookie: cookie)
            #expect(clicked.contains("Zoë Quinn") && !clicked.contains("Łukasz Nowak"))
            #expect(found.contains(#"href="/api/analytics/campaigns/\#(f.id(f.a))/recipients.csv?q=Zo%C3%AB""#))
            let csv = try await app.request(.get, "/api/analytics/campaigns/\(f.id(f.a))/recipients.csv?q=Zo%C3%AB", key: "", headers: [.cookie: cookie])
            #expect(csv.status == .ok, "a console session downloads the CSV")
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.count == 2 && lines[1].contains("Zoë Quinn"), "\(csv.text)")
            let missing = try await app.request(.get, "/analytics/campaigns/\(UUID().uuidString)", key: "", headers: [.cookie: cookie])
            #expect(missing.status == .notFound)
        }
    }
}

extension WebConsoleAnalyticsTests {
    @Test("the export menu's form queues the report job and leads to its page; a bad value is a 4xx", arguments: Engine.available)
    func export(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await AnalyticsMetricsFixture.make(app)
            let (cookie, csrf) = try await WebConsoleTests.signIn(app)
            let page = try await Self.page(app, "/analytics/campaigns/\(f.id(f.a))?from=2026-05-01&to=2026-05-02", cookie: cookie)
            #expect(page.contains(#"<input type="hidden" name="report" value="campaign">"#))
            #expect(page.contains(#"<input type="hidden" name="campaign_id" value="\#(f.id(f.a))">"#))
            let form = "_csrf=\(csrf)&report=campaign&from=2026-05-01&to=2026-05-02&campaign_id=\(f.id(f.a))&format=pdf"
            let posted = try await app.request(.post, "/analytics/export", body: form, contentType: "application/x-www-form-urlencoded", key: "", headers: [.cookie: cookie])
            #expect(posted.status == .found, "\(posted.text)")
            let location = try #require(posted.headers[.location])
            #expect(location.hasPrefix("/analytics/reports/"))
            #expect(try await app.request(.get, location, key: "", headers: [.cookie: cookie]).status == .ok)
            let overview = "_csrf=\(csrf)&report=overview&campaign_id=\(f.id(f.b))&top_by=roi&format=csv"
            let queued = try await app.request(.post, "/analytics/export", body: overview, contentType: "application/x-www-form-urlencoded", key: "", headers: [.cookie: cookie])
            #expect(queued.status == .found, "\(queued.text)")
            let bad = try await app.request(
                .post, "/analytics/export", body: "_csrf=\(csrf)&report=overview&format=doc", contentType: "application/x-www-form-urlencoded", key: "",
                headers: [.cookie: cookie]
            )
            expectError(bad, .unprocessableContent, field: "format")
        }
    }
}
