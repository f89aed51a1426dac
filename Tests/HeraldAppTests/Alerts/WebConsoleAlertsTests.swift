import Foundation
import HTTPTypes
import Testing

@testable import HeraldApp

@Suite("Console: alerts")
struct WebConsoleAlertsTests {
    static let formType = "application/x-www-form-urlencoded"

    @Test("the alerts page lists episodes newest first with Acknowledge and Resolve, and the nav links to it")
    func alertsPage() async throws {
        try await AlertFixture.with(.sqlite) { f in
            let (cookie, csrf) = try await WebConsoleTests.signIn(f.app)
            let session: HTTPFields = [.cookie: cookie]
            let campaign = try await f.campaign("Spring sale")
            try await f.cell(campaign, at: alertNow.addingTimeInterval(-120), sent: 300, delivered: 100)
            try await f.evaluate(at: alertNow)
            let episode = try #require(try await f.episodes().first)
            let page = try await f.app.request(.get, "/alerts", key: "", headers: session)
            #expect(page.status == .ok)
            #expect(page.text.contains(#"href="/alerts""#))
            #expect(page.text.contains("id=\"alert-\(episode.id.uuidString.lowercased())\""))
            #expect(page.text.contains("Delivery rate under 90 % in the last hour"))
            #expect(page.text.contains("33.3 %"))
            #expect(page.text.contains("href=\"/campaigns/\(campaign.uuidString.lowercased())\">Spring sale</a>"))
            #expect(page.text.contains("acknowledge-alert") && page.text.contains("resolve-alert"))

            let refused = try await f.app.request(.post, "/alerts/\(episode.id)/acknowledge", body: "", contentType: Self.formType, key: "", headers: session)
            #expect(refused.status == .forbidden)
            let acknowledged = try await f.app.request(
                .post, "/alerts/\(episode.id)/acknowledge", body: "_csrf=\(csrf)", contentType: Self.formType, key: "", headers: session
            )
            #expect(acknowledged.headers[.location] == "/alerts")
            #expect(try await f.episodes().first?.acknowledgedAt != nil)
            #expect(try await f.episodes().first?.resolvedAt == nil)
            let resolved = try await f.app.request(
                .post, "/alerts/\(episode.id)/resolve", body: "_csrf=\(csrf)&back=/alerts", contentType: Self.formType, key: "", headers: session
            )
            #expect(resolved.headers[.location] == "/alerts")
            #expect(try await f.episodes().first?.resolvedAt != nil)
            let after = try await f.app.request(.get, "/alerts", key: "", headers: session).text
            #expect(!after.contains("acknowledge-alert"))
        }
    }

    @Test("Settings › Alerts edits a built-in rule, adds a custom one, and shows a new webhook's secret once")
    func settings() async throws {
        try await AlertFixture.with(.sqlite) { f in
            let (cookie, csrf) = try await WebConsoleTests.signIn(f.app)
            let session: HTTPFields = [.cookie: cookie]
            let page = try await f.app.request(.get, "/settings/alerts", key: "", headers: session)
            #expect(page.status == .ok)
            #expect(page.text.contains("Spike of one error code"))
            #expect(page.text.contains(#"id="tab-alerts""#))
            let rule = try await f.rule(.deliveryRate)
            let saved = try await f.app.request(
                .post, "/settings/alerts/rules/\(rule.id)", body: "_csrf=\(csrf)&threshold=0.85&window_seconds=1800&min_volume=100", contentType: Self.formType,
                key: "", headers: session
            )
            #expect(saved.status == .ok)
            let edited = try await f.rule(.deliveryRate)
            #expect(edited.threshold == 0.85 && edited.windowSeconds == 1800 && edited.minVolume == 100 && !edited.enabled)
            let bad = try await f.app.request(
                .post, "/settings/alerts/rules", body: "_csrf=\(csrf)&name=Clicks&metric=click_rate&threshold=2&scope=each_campaign&level=warning",
                contentType: Self.formType, key: "", headers: session
            )
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("settings-error"))
            let created = try await f.app.request(
                .post, "/settings/alerts/rules", body: "_csrf=\(csrf)&name=Clicks&metric=click_rate&comparison=below&threshold=0.02&window_seconds=3600&min_volume=100&scope=each_campaign&level=critical",
                contentType: Self.formType, key: "", headers: session
            )
            #expect(created.status == .ok)
            #expect(try await f.count("alert_rules", "builtin IS NULL AND name = 'Clicks' AND level = 'critical'") == 1)
            let hook = try await f.app.request(
                .post, "/settings/alerts/webhooks", body: "_csrf=\(csrf)&name=Slack&url=https%3A%2F%2Fhooks.example%2Fh", contentType: Self.formType, key: "",
                headers: session
            )
            #expect(hook.text.firstMatch(of: /id="new-webhook-secret">(whsec_[0-9a-f]{64})</) != nil)
            let listed = try await f.app.request(.get, "/settings/alerts", key: "", headers: session).text
            #expect(listed.contains("https://hooks.example/h") && !listed.contains("new-webhook-secret"))
        }
    }
}
