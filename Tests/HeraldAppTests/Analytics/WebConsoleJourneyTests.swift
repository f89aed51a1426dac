import Foundation
import SQLKit
import Testing

@testable import HeraldApp

@Suite("Web console: contact journey")
struct WebConsoleJourneyTests {
    /// The journey section of a contact page.
    static func section(_ html: String) throws -> Substring {
        let start = try #require(html.range(of: #"<section class="card journey-card" id="journey">"#))
        let end = try #require(html.range(of: "</section>", range: start.upperBound..<html.endIndex))
        return html[start.upperBound..<end.lowerBound]
    }

    @Test("the contact page shows the journey with labels per kind and the order's attribution linked", arguments: Engine.available)
    func journey(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let (f, contact) = try await JourneyAPITests.journeyFixture(app)
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            let page = try await WebConsoleSegmentsTests.page(app, "/contacts/\(contact.uuidString.lowercased())", cookie: cookie)
            let journey = try Self.section(page)
            let campaign = "/campaigns/\(f.campaign.id.uuidString.lowercased())"
            #expect(journey.contains("<h2>Journey</h2>"))
            #expect(journey.contains(#"Order A-1 · 80.00 EUR · paid</span> attributed to <a href="\#(campaign)">Spring</a> (click)"#), "\(journey)")
            for label in ["Consent: opted out", "Replied", "Clicked the link", "Entered segment", "Read", "Delivered", "Sent", "Campaign message"] {
                #expect(journey.contains(#"<span class="journey-label">\#(label)</span>"#), "\(label)")
            }
            #expect(journey.contains("template spring_sale"))
            #expect(journey.contains(">VIP</a>"))
            #expect(!journey.contains("Show older"), "everything fits on one page")
            let order = try #require(journey.range(of: "Order A-1")), message = try #require(journey.range(of: "Campaign message"))
            #expect(order.lowerBound < message.lowerBound, "newest first")
        }
    }

    @Test("older items are one \"Show older\" link away, and a foreign cursor starts from the newest", arguments: Engine.available)
    func older(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let (_, contact) = try await JourneyAPITests.journeyFixture(app)
            let now = Date()
            try await app.database.transaction { sql in
                for index in 0..<50 {
                    try await sql.raw(
                        """
                        INSERT INTO consent_changes (id, workspace_id, contact_id, status, source, at)
                        VALUES (\(bind: UUID()), \(bind: app.workspace.id), \(bind: contact), 'opted_in', 'api', \(bind: now + Double(3600 + index)))
                        """
                    ).run()
                }
            }
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            let path = "/contacts/\(contact.uuidString.lowercased())"
            let first = try Self.section(try await WebConsoleSegmentsTests.page(app, path, cookie: cookie))
            #expect(!first.contains("Campaign message"))
            #expect(first.contains("Show older"))
            let href = first.components(separatedBy: #"" id="journey-older""#)[0].components(separatedBy: #"<a href=""#).last!
            #expect(href.hasPrefix(path + "?before="), "\(href)")
            let older = try Self.section(try await WebConsoleSegmentsTests.page(app, href.replacingOccurrences(of: "&amp;", with: "&"), cookie: cookie))
            #expect(older.contains("Campaign message") && older.contains("Order A-1"), "\(older)")
            #expect(older.contains("← Newest"))
            let foreign = try Self.section(try await WebConsoleSegmentsTests.page(app, path + "?before=bogus", cookie: cookie))
            #expect(foreign == first)
        }
    }
}
