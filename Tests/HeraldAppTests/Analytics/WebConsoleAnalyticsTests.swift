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
