import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import HeraldApp

@Suite("Web console: A/B tests")
struct WebConsoleABTestsTests {
    static func page(_ app: TestApp, _ path: String, cookie: String) async throws -> String {
        try await WebConsoleMessagingTests.page(app, path, cookie: cookie)
    }

    static func create(_ f: ABTestFixture, name: String = "Spring wording") async throws -> JSONValue {
        let created = try await f.app.request(
            .post, "/api/ab-tests/create", json: f.body([f.variation("A", "spring_sale"), f.variation("B", "spring_sale_bold")], name: name)
        )
        #expect(created.status == .created, "\(created.text)")
        return created.json
    }

    @Test("the list, the creation page and a draft's monitoring page render with their controls", arguments: Engine.available)
    func draftPages(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let (cookie, _) = try await WebConsoleTests.signIn(app)

            let empty = try await Self.page(app, "/ab-tests", cookie: cookie)
            #expect(empty.contains("No A/B tests yet") && empty.contains(#"id="new-ab-test""#) && !empty.contains("Coming next"))
            #expect(empty.contains(#"<a href="/ab-tests" class="active" aria-current="page">A/B tests</a>"#))

            let new = try await Self.page(app, "/ab-tests/new", cookie: cookie)
            for text in [
                #"id="ab-test-form""#, "/static/ab-tests.js", "/static/ab-tests-model.js", #"id="variation-card-template""#,
                #"data-field="variations""#, #"data-field="duration_hours""#, #"data-field="audience.segment_id""#, #"id="add-variation""#,
                #"id="plan-hint""#, #"<option value="\#(f.segmentID.lowercased())" data-count="2">Everyone"#,
                #"<option value="\#(f.messaging.account.id.uuidString.lowercased())" selected>"#,
            ] {
                #expect(new.contains(text), "the creation page lacks \(text)")
            }
            let options = try WebConsoleSegmentsTests.jsonBlock(new, "ab-test-options")
            let bold = try #require(options["templates"].array.first { $0["label"].string?.hasPrefix("spring_sale_bold ") == true })
            #expect(bold["cta"] == .bool(true) && bold["vars"].array == [.string("1"), .string("2")])
            #expect(bold["accountId"].string == f.messaging.account.id.uuidString.lowercased())
            #expect(!options["templates"].array.contains { $0["label"].string?.hasPrefix("spring_sale_new ") == true }, "pending templates are not offered")
            #expect(options["fields"].array.contains { $0["value"].string == "first_name" })

            let test = try await Self.create(f)
            let id = try #require(test["id"].string)
            let list = try await Self.page(app, "/ab-tests", cookie: cookie)
            for text in [#"href="/ab-tests/\#(id)""#, "Spring wording", "Draft: not started", "Click rate", "A, B"] {
                #expect(list.contains(text), "the list lacks \(text)")
            }
            let draft = try await Self.page(app, "/ab-tests/\(id)?done=created", cookie: cookie)
            for text in [
                #"id="start-test""#, #"id="stop-test""#, "A/B test saved as a draft", "The test has not started.", #"data-status="draft""#,
                #"<tr data-variation="\#(test["variations"][1]["id"].string!)">"#, #"<span data-cell="sent">0</span>"#,
                #"href="/campaigns/\#(test["campaign_id"].string!)""#, "Saved segment “Everyone”",
            ] {
                #expect(draft.contains(text), "the draft's page lacks \(text)")
            }
            #expect(!draft.contains(#"id="declare-open""#) && draft.contains(#"data-live="""#), "a draft has nothing to declare or stream")

            let campaign = try await Self.page(app, "/campaigns/\(test["campaign_id"].string!)", cookie: cookie)
            #expect(campaign.contains(#"Part of A/B test <a href="/ab-tests/\#(id)">Spring wording</a>"#))
            let campaigns = try await Self.page(app, "/campaigns", cookie: cookie)
            #expect(campaigns.contains(#"<a class="badge ab-badge" href="/ab-tests/\#(id)""#))
            let plain = try await Self.page(app, "/campaigns/\(f.draftCampaignID.lowercased())", cookie: cookie)
            #expect(!plain.contains("Part of A/B test"), "a campaign without a test has no link")

            let script = try await app.request(.get, "/static/ab-tests.js", key: "")
            #expect(script.status == .ok && script.text.contains("/api/ab-tests/create") && script.text.contains("new EventSource("))
            let model = try await app.request(.get, "/static/ab-tests-model.js", key: "")
            #expect(model.status == .ok && model.text.contains("function equalShares"))
        }
    }

    @Test("a started test's page shows its numbers, the decision's words and the buttons to declare or stop", arguments: Engine.available)
    func startedPage(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            let now = Date()
            let rows: [ABTestResultsTests.Row] = [
                .init(arm: 0, accepted: -5000, delivered: -4990, clicked: -4900), .init(arm: 0, accepted: -5000, delivered: -4990),
                .init(arm: 1, accepted: -5000, delivered: -4990, read: -4950, clicked: -4800), .init(arm: 1, accepted: -60),
            ]
            let test = try await ABTestResultsTests.running(f, rows: rows, now: now)
            let id = test.id.uuidString.lowercased()
            let html = try await Self.page(app, "/ab-tests/\(id)", cookie: cookie)
            for text in [
                #"data-status="running""#, #"data-live="1""#, #"id="ab-status">Running</span>"#, #"id="declare-open""#, #"id="stop-test""#,
                #"id="declare-panel" hidden"#, #"id="let-complete""#, #"id="winner-variation""#, #"<span data-cell="sent">2</span>"#,
                #"<small data-cell="metric_counts">1 of 2</small>"#, #"<small data-cell="metric_counts">1 of 1</small>"#,
                #"<td class="num" data-cell="lift">control</td>"#, "Click rate",
            ] {
                #expect(html.contains(text), "the running test's page lacks \(text)")
            }
            #expect(!html.contains(#"id="start-test""#), "a running test cannot be started again")
            #expect(html.contains(/id="time-left">2[12] h \d+ min</), "a day's test started two hours ago has about 22 h left")
            let results = try await ABTestResultsReader(database: app.database).results(for: test)
            #expect(html.contains(#"id="verdict" aria-live="polite">\#(results.verdict.explanation)</p>"#))
            #expect(html.contains(#"id="leader">\#(ABTestPageModel.leaderText(results))</dd>"#))
            #expect(ABTestPageModel.leaderText(results).hasPrefix("B leads"), "B has 1 click of 1 exposed, A 1 of 2")

            let list = try await Self.page(app, "/ab-tests", cookie: cookie)
            #expect(list.contains("Running") && list.contains("B leads"))
        }
    }

    @Test("a viewer sees the tests but no button that changes one, and cannot open the creation page")
    func viewer() async throws {
        try await TestApp.with(.sqlite) { app in
            let f = try await ABTestFixture.make(app)
            let draft = try await Self.create(f, name: "Autumn wording")
            let running = try await ABTestResultsTests.running(f, rows: [.init(arm: 0, accepted: -10)], now: Date())
            let (cookie, _) = try await WebConsoleTests.signIn(app, email: "viewer@acme.test", role: .viewer)
            let list = try await Self.page(app, "/ab-tests", cookie: cookie)
            #expect(list.contains("Spring wording") && !list.contains(#"id="new-ab-test""#))
            #expect(try await app.request(.get, "/ab-tests/new", key: "", headers: [.cookie: cookie]).status == .forbidden)
            for id in [draft["id"].string!, running.id.uuidString.lowercased()] {
                let page = try await Self.page(app, "/ab-tests/\(id)", cookie: cookie)
                #expect(page.contains(#"id="results-table""#))
                for control in [#"id="start-test""#, #"id="declare-open""#, #"id="declare-panel""#, #"id="stop-test""#] {
                    #expect(!page.contains(control), "a viewer sees \(control)")
                }
            }
        }
    }

    @Test("an unknown or malformed test id is the 404 page, and the pages need a session")
    func notFound() async throws {
        try await TestApp.with(.sqlite) { app in
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            for path in ["/ab-tests/\(UUID())", "/ab-tests/not-an-id"] {
                let response = try await app.request(.get, path, key: "", headers: [.cookie: cookie, .accept: "text/html"])
                #expect(response.status == .notFound, "\(path)")
                #expect(response.text.contains("Page not found"), "\(path)")
            }
            for path in ["/ab-tests", "/ab-tests/new", "/ab-tests/\(UUID())"] {
                #expect(try await app.request(.get, path, key: "").status == .seeOther, "\(path) needs a session")
            }
        }
    }

    @Test("the server formats rates, intervals, lifts and time left as the page script does (tests/js)")
    func formats() {
        #expect(ABTestPageModel.percent(0.1234) == "12.3%" && ABTestPageModel.percent(nil) == "—")
        #expect(ABTestPageModel.rateText(0.1234, 0.101, 0.146) == "12.3% (10.1–14.6)")
        let lift = ABTestResults.Lift(absolute: 0.021, relative: 0.123, interval: .init(low: -0.012, high: 0.054))
        #expect(ABTestPageModel.liftText(lift) == "+12.3% (−1.2 to +5.4 pts)")
        #expect(ABTestPageModel.timeLeft(nil) == "—" && ABTestPageModel.timeLeft(30) == "under a minute")
        #expect(ABTestPageModel.timeLeft(3 * 3600 + 12 * 60 + 5) == "3 h 12 min" && ABTestPageModel.timeLeft(2 * 86400 + 3 * 3600) == "2 d 3 h")
        #expect(ABTestPageModel.statusWords(.deciding) == "Waiting for a decision")
    }
}
