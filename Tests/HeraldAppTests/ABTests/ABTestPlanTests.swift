import Experiments
import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Storage
import Testing

@testable import HeraldApp

@Suite("A/B test planner")
struct ABTestPlanTests {
    static let hour: TimeInterval = 3600

    /// What Experiments.Planner says directly for the always-valid test the decision runs at this smallest arm.
    static func detectable(baseline: Double, smallest: Int, arms: Int) -> Double? {
        Planner.minimumDetectableRate(
            baseline: baseline,
            perArm: Double(smallest),
            comparisons: arms - 1,
            method: .confidenceSequence(plannedTotal: max(2 * smallest, 200), alpha: 0.05)
        )
    }

    static func plan(_ app: TestApp, _ json: String) async throws -> JSONValue {
        let response = try await app.request(.post, "/api/ab-tests/plan", json: json)
        #expect(response.status == .ok, "\(response.text)")
        return response.json
    }

    /// Campaign history by hand, 2 hours old unless said otherwise: in a campaign with a link, 1,200 messages of which
    /// 240 clicked inside the hour (60 more after it), 600 read inside it, 120 replied inside it (20 of them STOPs);
    /// 100 messages of 100 days ago and 50 sent 10 minutes ago that must not count; in a campaign without a link, 200
    /// messages with 100 reads, 50 clicks (not clickable: left out of the click baseline) and 30 replies.
    static func seedHistory(_ f: ABTestFixture, now: Date) async throws {
        let workspaceID = f.app.workspace.id
        let linked = f.messaging.campaign.id
        let base = f.messaging.campaign
        let unlinked = Campaign(
            id: .timeOrdered(),
            workspaceID: workspaceID,
            name: "No link",
            status: .completed,
            accountID: base.accountID,
            templateID: base.templateID,
            templateName: base.templateName,
            templateLanguage: base.templateLanguage,
            variables: base.variables,
            ctaURL: nil,
            audience: .everyone,
            createdAt: now,
            updatedAt: now
        )
        try await f.app.services.messaging.campaigns.insert(unlinked)
        let contacts = (0..<1350).map { _ in UUID.timeOrdered() }
        struct Message {
            var campaign: UUID, contact: UUID, accepted: TimeInterval
            var read: TimeInterval? = nil, clicked: TimeInterval? = nil, replied: TimeInterval? = nil, optedOut = false
        }
        var messages: [Message] = []
        for i in 0..<1200 {
            var m = Message(campaign: linked, contact: contacts[i], accepted: -2 * hour)
            if i < 240 { m.clicked = -2 * hour + 1800 } else if i < 300 { m.clicked = -2 * hour + 5400 }
            if i < 600 { m.read = -2 * hour + 600 } else if i < 650 { m.read = -60 }
            if i < 120 {
                m.replied = -2 * hour + 1200
                m.optedOut = i < 20
            }
            messages.append(m)
        }
        for i in 1200..<1300 {
            messages.append(
                Message(campaign: linked, contact: contacts[i], accepted: -100 * 86_400, read: -100 * 86_400 + 60, clicked: -100 * 86_400 + 60)
            )
        }
        for i in 1300..<1350 { messages.append(Message(campaign: linked, contact: contacts[i], accepted: -600, read: -300, clicked: -300)) }
        for i in 0..<200 {
            messages.append(
                Message(
                    campaign: unlinked.id,
                    contact: contacts[i],
                    accepted: -2 * hour,
                    read: i < 100 ? -2 * hour + 60 : nil,
                    clicked: i < 50 ? -2 * hour + 60 : nil,
                    replied: i < 30 ? -2 * hour + 300 : nil
                )
            )
        }
        let rows = messages.map { m in
            let at = { (offset: TimeInterval?) in offset.map { now.addingTimeInterval($0) } }
            return (m.campaign, m.contact, at(m.accepted), at(m.read), at(m.clicked), at(m.replied), m.optedOut ? at(m.replied) : nil)
        }
        try await f.app.database.transaction { sql in
            try await sql.insertRows(
                "INSERT INTO contacts (id, workspace_id, phone, tags, attributes, consent_status, created_at, updated_at) VALUES ",
                Array(contacts.enumerated())
            ) { index, id in
                let phone = "+4916000\(String(format: "%05d", index))"
                return "(\(bind: id), \(bind: workspaceID), \(bind: phone), '[]', '{}', 'unknown', \(bind: now), \(bind: now))"
            }
            try await sql.insertRows(
                """
                INSERT INTO messages (id, workspace_id, campaign_id, contact_id, phone, status, click_token, next_attempt_at, accepted_at, read_at,
                    clicked_at, replied_at, opted_out_at, created_at, updated_at) VALUES 
                """,
                rows
            ) { m in
                """
                (\(bind: UUID.timeOrdered()), \(bind: workspaceID), \(bind: m.0), \(bind: m.1), '+49', 'accepted', \(bind: UUID().uuidString),
                \(bind: now), \(bind: m.2), \(bind: m.3), \(bind: m.4), \(bind: m.5), \(bind: m.6), \(bind: now), \(bind: now))
                """
            }
        }
    }

    @Test(
        "with an entered rate the detectable lift is Experiments.Planner's for the sequential test at the smallest arm",
        arguments: Engine.available
    )
    func enteredBaseline(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let small = try await Self.plan(
                app,
                #"{"audience_size":10000,"test_percentage":20,"shares":[60,40],"baseline_rate":0.1,"success_metric":"click"}"#
            )
            if case .object(let fields) = small {
                #expect(
                    Set(fields.keys) == [
                        "audience_size", "test_audience_size", "arm_sizes", "smallest_arm", "baseline", "detectable_lift", "needed_test_audience",
                        "warning",
                    ]
                )
            }
            #expect(small["audience_size"].number == 10000)
            #expect(small["test_audience_size"].number == 2000)
            #expect(small["arm_sizes"].array.map(\.number) == [1200, 800])
            #expect(small["smallest_arm"].number == 800)
            #expect(small["baseline"] == .object(["rate": .number(0.1), "source": .string("entered"), "messages": .null]))
            let rate = try #require(Self.detectable(baseline: 0.1, smallest: 800, arms: 2))
            #expect(abs((small["detectable_lift"]["absolute"].number ?? .nan) - (rate - 0.1)) < 1e-12)
            #expect(abs((small["detectable_lift"]["relative"].number ?? .nan) - (rate / 0.1 - 1)) < 1e-12)
            #expect(small["needed_test_audience"] == .null)
            let percent = Int(((rate / 0.1 - 1) * 100).rounded())
            #expect(percent > 25)
            #expect(small["warning"].string?.hasPrefix("this test can only detect a lift of \(percent) % or more over a click rate of 10 %") == true)

            // Three variations share alpha among two comparisons; 66,000 in the smallest arm detect far less than 25 %.
            let large = try await Self.plan(app, #"{"audience_size":1000000,"variations":3,"baseline_rate":0.05}"#)
            #expect(large["arm_sizes"].array.map(\.number) == [68000, 66000, 66000])
            let expected = try #require(Self.detectable(baseline: 0.05, smallest: 66000, arms: 3))
            #expect(abs((large["detectable_lift"]["relative"].number ?? .nan) - (expected / 0.05 - 1)) < 1e-12)
            #expect(
                expected / 0.05 - 1 < Planner.minimumDetectableLift(
                    baseline: 0.05,
                    perArm: 66000,
                    comparisons: 2,
                    method: .confidenceSequence(plannedTotal: 2000)
                )!
            )
            #expect(large["warning"] == .null)
        }
    }

    @Test("a wanted lift gives the smallest test audience whose smallest variation detects it", arguments: Engine.available)
    func neededAudience(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let answer = try await Self.plan(app, #"{"audience_size":50000,"shares":[50,30,20],"baseline_rate":0.05,"wanted_lift":0.2}"#)
            let needed = try #require(answer["needed_test_audience"].number.map(Int.init))
            func smallest(_ total: Int) -> Int { Assignment.armSizes(audience: total, testPercentage: 100, shares: [50, 30, 20]).arms.min()! }
            func lift(_ n: Int) -> Double { Self.detectable(baseline: 0.05, smallest: n, arms: 3)! / 0.05 - 1 }
            #expect(lift(smallest(needed)) <= 0.2)
            #expect(lift(smallest(needed - 1)) > 0.2, "one contact fewer no longer detects 20 %")
            #expect(needed > 50_000 / 5, "far more than the 20 % asked for")
            expectError(
                try await app.request(.post, "/api/ab-tests/plan", json: #"{"audience_size":100,"baseline_rate":0.6,"wanted_lift":0.7}"#),
                .unprocessableContent,
                field: "wanted_lift"
            )
        }
    }

    @Test("the history baseline is the campaign messages that have had their window, successes inside it", arguments: Engine.available)
    func historyBaseline(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            try await Self.seedHistory(f, now: now)
            let click = try await Self.plan(app, #"{"audience_size":10000,"test_percentage":50}"#)
            #expect(click["baseline"] == .object(["rate": .number(0.2), "source": .string("history"), "messages": .number(1200)]))
            let rate = try #require(Self.detectable(baseline: 0.2, smallest: 2500, arms: 2))
            #expect(abs((click["detectable_lift"]["relative"].number ?? .nan) - (rate / 0.2 - 1)) < 1e-12)

            let read = try await Self.plan(app, #"{"audience_size":10000,"success_metric":"read"}"#)
            #expect(read["baseline"] == .object(["rate": .number(0.5), "source": .string("history"), "messages": .number(1400)]))
            let reply = try await Self.plan(app, #"{"audience_size":10000,"success_metric":"reply"}"#)
            #expect(reply["baseline"]["messages"].number == 1400)
            #expect(reply["baseline"]["rate"].number == 130.0 / 1400, "a STOP is a reply but not a success")

            // With a 3-hour window no message has had it: not enough history, so no rate and no lift.
            let none = try await Self.plan(app, #"{"audience_size":10000,"outcome_window_seconds":10800}"#)
            #expect(none["baseline"] == .object(["rate": .null, "source": .string("none"), "messages": .number(0)]))
            #expect(none["detectable_lift"] == .null)
            let entered = try await Self.plan(app, #"{"audience_size":10000,"outcome_window_seconds":10800,"baseline_rate":0.2}"#)
            #expect(entered["baseline"]["source"].string == "entered")
        }
    }

    @Test(
        "the audience is counted as the freeze takes it: opted in, in the segment, no +1 numbers for a MARKETING template",
        arguments: Engine.available
    )
    func audienceCount(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            for (phone, consent) in [("+12025550123", "opted_in"), ("+4915199999999", "opted_out"), ("+4915188888888", "unknown")] {
                let created = try await app.request(
                    .post,
                    "/api/contacts",
                    json: #"{"phone":"\#(phone)","consent":{"status":"\#(consent)","source":"test"}}"#
                )
                #expect(created.status == .created, "\(created.text)")
            }
            let everyone = try await Self.plan(app, #"{"audience":{"type":"all"},"test_percentage":100}"#)
            #expect(everyone["audience_size"].number == 3)
            #expect(everyone["test_audience_size"].number == 3)
            #expect(try await Self.plan(app, #"{"test_percentage":100}"#)["audience_size"].number == 3, "everyone by default")
            let marketing = try await Self.plan(app, #"{"audience":{"type":"all"},"template_id":"\#(f.templates["spring_sale"]!)"}"#)
            #expect(marketing["audience_size"].number == 2)
            let utility = try await Self.plan(app, #"{"audience":{"type":"all"},"template_id":"\#(f.templates["order_news"]!)"}"#)
            #expect(utility["audience_size"].number == 3)
            let segment = try await Self.plan(app, #"{"audience":{"type":"segment","segment_id":"\#(f.segmentID)"}}"#)
            let members = try await app.database.read { sql in
                try await sql.raw(
                    """
                    SELECT COUNT(*) AS n FROM segment_members sm JOIN contacts c ON c.id = sm.contact_id
                    WHERE sm.segment_id = \(bind: UUID(uuidString: f.segmentID)!) AND c.consent_status = 'opted_in'
                    """
                ).first()!.decode(column: "n", as: Int.self)
            }
            #expect(segment["audience_size"].number == Double(members))
            #expect(members == 2, "the static segment's snapshot: the fixture's two contacts")
            #expect(segment["warning"].string?.contains("as few as 0 messages") == true)
        }
    }

    @Test("bad input is a 422 naming the field", arguments: Engine.available)
    func badInput(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let unknownSegment = UUID().uuidString
            let cases: [(String, String, String?)] = [
                (#"{"success_metric":"views"}"#, "success_metric", nil),
                (#"{"test_percentage":0}"#, "test_percentage", nil),
                (#"{"test_percentage":101}"#, "test_percentage", nil),
                (#"{"variations":1}"#, "variations", "too_few_variations"),
                (#"{"variations":6}"#, "variations", "too_many_variations"),
                (#"{"shares":[50,40]}"#, "shares", "shares_do_not_add_up"),
                (#"{"shares":[100]}"#, "shares", nil),
                (#"{"shares":[50,"50"]}"#, "shares[1]", nil),
                (#"{"shares":[34,33,33],"variations":2}"#, "shares", nil),
                (#"{"baseline_rate":0}"#, "baseline_rate", nil),
                (#"{"baseline_rate":1.5}"#, "baseline_rate", nil),
                (#"{"baseline_rate":"5%"}"#, "baseline_rate", "invalid_type"),
                (#"{"wanted_lift":0,"baseline_rate":0.1}"#, "wanted_lift", nil),
                (#"{"audience_size":-1}"#, "audience_size", nil),
                (#"{"audience_size":10,"audience":{"type":"all"}}"#, "audience_size", nil),
                (#"{"audience":{"type":"segment","segment_id":"\#(unknownSegment)"}}"#, "audience.segment_id", nil),
                (#"{"audience":{"type":"some"}}"#, "audience.type", nil),
                (#"{"template_id":"\#(unknownSegment)"}"#, "template_id", nil),
                (#"{"outcome_window_seconds":0}"#, "outcome_window_seconds", nil),
                (#"{"duration_hours":24}"#, "duration_hours", "unknown_field"),
            ]
            for (json, field, code) in cases {
                expectError(try await app.request(.post, "/api/ab-tests/plan", json: json), .unprocessableContent, code: code, field: field)
            }
        }
    }

    @Test("start's warnings are the planner's for the test's own audience, shares and history", arguments: Engine.available)
    func startWarnings(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let created = try await app.request(
                .post,
                "/api/ab-tests/create",
                json: f.body([f.variation("A", "spring_sale"), f.variation("B", "spring_sale_bold")])
            )
            #expect(created.status == .created, "\(created.text)")
            let store = ABTestStore(database: app.database, campaigns: app.services.messaging.campaigns)
            var test = try #require(try await store.find(workspaceID: app.workspace.id, id: UUID(uuidString: created.json["id"].string!)!))
            let small = try await ABTestPlanner.warnings(for: test, services: app.services.messaging)
            #expect(small == [ABTestPlanning.fewMessages(0)], "2 contacts at 20 %: nobody in the smallest variation")

            // As if frozen with 20,000 contacts: 2,000 per variation over the history's 20 % click rate.
            try await Self.seedHistory(f, now: Date())
            test.audienceSize = 20_000
            let warnings = try await ABTestPlanner.warnings(for: test, services: app.services.messaging)
            let lift = Self.detectable(baseline: 0.2, smallest: 2000, arms: 2)! / 0.2 - 1
            #expect(lift <= 0.25 ? warnings.isEmpty : warnings.count == 1)
            test.audienceSize = 2_000
            let few = try await ABTestPlanner.warnings(for: test, services: app.services.messaging)
            let answer = try await Self.plan(app, #"{"audience_size":2000,"test_percentage":20}"#)
            #expect(few.count == 1 && few.first == answer["warning"].string)
            #expect(few.first?.contains("can only detect a lift of") == true)
        }
    }
}
