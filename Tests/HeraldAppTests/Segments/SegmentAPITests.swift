import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import HeraldApp

/// Three contacts for "total spend > $500 in the last 60 days AND read a message in the last 30 days":
/// Ana matches; Ben spent but read nothing; Cleo read but spent $100.
struct SegmentData {
    let ana: String, ben: String, cleo: String

    static let spendAndRead = """
        {"combinator":"and","children":[
          {"field":"purchases.total_spend","operator":"gt","value":500,"window":{"last_days":60}},
          {"field":"engagement.read","operator":"gte","value":1,"window":{"last_days":30}}]}
        """

    static func iso(daysAgo: Double) -> String { ISODate.format(Date().addingTimeInterval(-daysAgo * 86400)) }

    static func make(_ app: TestApp) async throws -> SegmentData {
        var ids: [String] = []
        for (phone, name) in [("+4915112345671", "Ana"), ("+4915112345672", "Ben"), ("+4915112345673", "Cleo")] {
            let created = try await app.request(.post, "/api/contacts", json: #"{"phone":"\#(phone)","name":"\#(name)","consent":"opted_in"}"#)
            #expect(created.status == .created, "\(created.text)")
            ids.append(created.json["id"].string!)
        }
        let orders = try await app.request(.post, "/api/orders", json: """
            [{"external_id":"o1","contact":"+4915112345671","total":60000,"ordered_at":"\(iso(daysAgo: 10))"},
             {"external_id":"o2","contact":"+4915112345672","total":60000,"ordered_at":"\(iso(daysAgo: 10))"},
             {"external_id":"o3","contact":"+4915112345673","total":10000,"ordered_at":"\(iso(daysAgo: 10))"}]
            """)
        #expect(orders.status == .created, "\(orders.text)")
        let events = try await app.request(.post, "/api/events/import", json: """
            [{"contact":"+4915112345671","type":"read","occurred_at":"\(iso(daysAgo: 5))"},
             {"contact":"+4915112345673","type":"read","occurred_at":"\(iso(daysAgo: 3))"}]
            """)
        #expect(events.status == .created, "\(events.text)")
        return SegmentData(ana: ids[0], ben: ids[1], cleo: ids[2])
    }
}

@Suite("Segments API")
struct SegmentAPITests {
    func count(_ app: TestApp, _ table: String) async throws -> Int {
        try await app.database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()!.decode(column: "n", as: Int.self)
        }
    }

    @Test("the catalog lists every field with its operators, custom attributes included", arguments: Engine.available)
    func catalog(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            #expect(try await app.request(.post, "/api/custom-fields", json: #"{"key":"plan","type":"text"}"#).status == .created)
            let fields = try await app.request(.get, "/api/segments/rules/operators").json["fields"].array
            let ids = Set(fields.compactMap { $0["id"].string })
            for id in ["contact.country", "contact.tags", "purchases.total_spend", "purchases.category", "engagement.read", "engagement.score", "segment", "attributes.plan"] {
                #expect(ids.contains(id), "missing \(id)")
            }
            let spend = fields.first { $0["id"].string == "purchases.total_spend" }!
            #expect(spend["accepts_window"] == .bool(true))
            #expect(spend["operators"].array.contains { $0["id"].string == "between" })
            #expect(!(spend["help"].string ?? "").isEmpty)
        }
    }

    @Test("validate answers with problems at node paths, and accepts the seed's flat form", arguments: Engine.available)
    func validate(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let good = try await app.request(.post, "/api/segments/rules/validate", json: #"{"rules":\#(SegmentData.spendAndRead)}"#)
            #expect(good.status == .ok)
            #expect(good.json["valid"] == .bool(true), "\(good.text)")
            #expect(good.json["rules"]["children"].array.count == 2)
            let bad = try await app.request(.post, "/api/segments/rules/validate", json: """
                {"rules":{"combinator":"and","children":[{"field":"contact.country","operator":"eq","value":"US"},
                  {"combinator":"or","children":[{"field":"purchases.total_spend","operator":"gt","value":"lots"}]}]}}
                """)
            #expect(bad.json["valid"] == .bool(false))
            #expect(bad.json["problems"][0]["path"].string == "children[1].children[0].value", "\(bad.text)")
            #expect(bad.json["problems"][0]["code"].string == "invalid_value")
            let flat = try await app.request(.post, "/api/segments/rules/validate", json: """
                {"rules":{"groups":[{"operator":"OR","rules":[{"attribute":"country","operator":"equals","value":"US"},{"attribute":"city","operator":"=","value":"Austin"}]}]}}
                """)
            #expect(flat.json["valid"] == .bool(true), "\(flat.text)")
            #expect(flat.json["rules"]["children"][0]["combinator"].string == "or")
        }
    }

    @Test("preview counts, lists the first members and times itself; bad rules get a 422 with every problem", arguments: Engine.available)
    func preview(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let data = try await SegmentData.make(app)
            let answer = try await app.request(.post, "/api/segments/preview", json: #"{"rules":\#(SegmentData.spendAndRead)}"#)
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.json["count"].number == 1)
            #expect(answer.json["contacts"][0]["id"].string == data.ana)
            #expect(answer.json["contacts"][0]["name"].string == "Ana")
            #expect(answer.json["took_ms"].number != nil)
            let spendOnly = try await app.request(.post, "/api/segments/preview", json: """
                {"rules":{"field":"purchases.total_spend","operator":"gt","value":500,"window":{"last_days":60}}}
                """)
            #expect(spendOnly.json["count"].number == 2, "\(spendOnly.text)")

            let bad = try await app.request(.post, "/api/segments/preview", json: """
                {"rules":{"combinator":"and","children":[{"field":"contact.country","operator":"gt","value":"US"},{"field":"nope","operator":"eq","value":1}]}}
                """)
            expectError(bad, .unprocessableContent, code: "invalid_rules", field: "rules.children[0].operator")
            #expect(bad.json["error"]["problems"].array.count == 2, "\(bad.text)")
            expectError(try await app.request(.post, "/api/segments/preview", json: #"{}"#), .unprocessableContent, field: "rules")
            expectError(try await app.request(.post, "/api/segments/preview", json: #"{"rules":[1]}"#), .unprocessableContent, code: "invalid_rules")
            expectError(try await app.request(.post, "/api/segments/preview", json: #"{"rules":{},"limit":1000}"#), .unprocessableContent, field: "limit")
        }
    }

    @Test("saved segments: create at both paths, unique names, invalid rules never stored, contacts paged", arguments: Engine.available)
    func saved(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let data = try await SegmentData.make(app)
            let created = try await app.request(.post, "/api/segments", json: #"{"name":"Big readers","kind":"dynamic","rules":\#(SegmentData.spendAndRead)}"#)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["contact_count"].number == 1)
            #expect(created.json["refreshed_at"].string != nil)
            let id = created.json["id"].string!
            expectError(
                try await app.request(.post, "/api/segments", json: #"{"name":"Big readers","kind":"static","rules":{"combinator":"and","children":[]}}"#),
                .conflict, code: "name_taken", field: "name"
            )
            let before = try await count(app, "segments")
            expectError(
                try await app.request(.post, "/api/segments/create", json: #"{"name":"Broken","rules":{"field":"contact.country","operator":"between","value":"US"}}"#),
                .unprocessableContent, code: "invalid_rules"
            )
            expectError(try await app.request(.post, "/api/segments", json: #"{"name":"K","kind":"sometimes","rules":{}}"#), .unprocessableContent, field: "kind")
            expectError(try await app.request(.post, "/api/segments", json: #"{"kind":"static","rules":{}}"#), .unprocessableContent, field: "name")
            #expect(try await count(app, "segments") == before)
            #expect(try await count(app, "segment_members") == 1)

            let everyone = try await app.request(.post, "/api/segments/create", json: #"{"name":"Everyone","kind":"static","rules":{"combinator":"and","children":[]}}"#)
            #expect(everyone.status == .created, "\(everyone.text)")
            #expect(everyone.json["kind"].string == "static")
            let everyoneID = everyone.json["id"].string!
            let page1 = try await app.request(.get, "/api/segments/\(everyoneID)/contacts?limit=2")
            #expect(page1.json["data"].array.count == 2, "\(page1.text)")
            let after = page1.json["next_after"].string!
            let page2 = try await app.request(.get, "/api/segments/\(everyoneID)/contacts?limit=2&after=\(after)")
            #expect(page2.json["data"].array.count == 1)
            #expect(page2.json["next_after"] == .null)
            let all = Set((page1.json["data"].array + page2.json["data"].array).compactMap { $0["id"].string })
            #expect(all == [data.ana, data.ben, data.cleo])
            expectError(try await app.request(.get, "/api/segments/\(everyoneID)/contacts?after=zzz"), .badRequest, field: "after")

            let list = try await app.request(.get, "/api/segments").json["data"].array
            #expect(list.map { $0["name"].string } == ["Big readers", "Everyone"])
            #expect(try await app.request(.get, "/api/segments/\(id)").json["name"].string == "Big readers")
            expectError(try await app.request(.get, "/api/segments/\(UUID())"), .notFound)

            let renamed = try await app.request(.put, "/api/segments/\(id)/update", json: #"{"name":"Big spenders who read"}"#)
            #expect(renamed.status == .ok, "\(renamed.text)")
            #expect(renamed.json["name"].string == "Big spenders who read")
            expectError(try await app.request(.patch, "/api/segments/\(id)", json: #"{"name":"Everyone"}"#), .conflict, code: "name_taken")
        }
    }

    @Test("static segments keep their snapshot until refreshed; dynamic ones are evaluated fresh and record who entered and left", arguments: Engine.available)
    func snapshotsAndHistory(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let data = try await SegmentData.make(app)
            let rules = SegmentData.spendAndRead
            let frozen = try await app.request(.post, "/api/segments", json: #"{"name":"Frozen","kind":"static","rules":\#(rules)}"#).json
            let live = try await app.request(.post, "/api/segments", json: #"{"name":"Live","kind":"dynamic","rules":\#(rules)}"#).json
            let frozenID = frozen["id"].string!, liveID = live["id"].string!

            // Ben reads a message: he now matches; Ana's only read moves out of the window by deleting her events.
            _ = try await app.request(.post, "/api/events/import", json: #"[{"contact":"+4915112345672","type":"read","occurred_at":"\#(SegmentData.iso(daysAgo: 1))"}]"#)
            try await app.database.transaction { sql in
                try await sql.raw("DELETE FROM message_events WHERE contact_id = \(bind: UUID(uuidString: data.ana)!)").run()
            }
            let frozenMembers = try await app.request(.get, "/api/segments/\(frozenID)/contacts").json["data"].array.compactMap { $0["id"].string }
            #expect(frozenMembers == [data.ana], "a static segment is its snapshot")
            let liveMembers = try await app.request(.get, "/api/segments/\(liveID)/contacts").json["data"].array.compactMap { $0["id"].string }
            #expect(liveMembers == [data.ben], "a dynamic segment is evaluated when used")

            // The import asked for a refresh; the background refresh claims the segment and records the change.
            let due = try await app.services.segments.store.claimDue(interval: 3600, lease: 60)
            #expect(due?.id.uuidString.lowercased() == liveID, "an import makes dynamic segments due")
            _ = try await app.services.segments.refresh(due!, reason: "scheduled")
            #expect(try await app.services.segments.store.claimDue(interval: 3600, lease: 60) == nil, "nothing else is due")
            let refreshed = try await app.request(.get, "/api/segments/\(liveID)").json
            #expect(refreshed["contact_count"].number == 1)
            let history = try await app.request(.get, "/api/segments/\(liveID)/history").json
            let changes = history["changes"].array.map { ($0["contact_id"].string!, $0["change"].string!) }
            #expect(changes.contains { $0 == (data.ben, "entered") })
            #expect(changes.contains { $0 == (data.ana, "left") })
            #expect(changes.contains { $0 == (data.ana, "entered") }, "the first refresh at creation")
            #expect(history["refreshes"].array.count == 2, "\(history)")
            #expect(history["refreshes"][0]["entered"].number == 1 && history["refreshes"][0]["left"].number == 1)

            let ana = try await app.request(.get, "/api/contacts/\(data.ana)/segments").json
            #expect(ana["current"].array.compactMap { $0["name"].string } == ["Frozen"])
            #expect(Set(ana["history"].array.compactMap { $0["change"].string }) == ["entered", "left"])
            expectError(try await app.request(.get, "/api/contacts/\(UUID())/segments"), .notFound)

            let resnap = try await app.request(.post, "/api/segments/\(frozenID)/refresh")
            #expect(resnap.json["contact_count"].number == 1)
            let afterRefresh = try await app.request(.get, "/api/segments/\(frozenID)/contacts").json["data"].array.compactMap { $0["id"].string }
            #expect(afterRefresh == [data.ben], "a refresh on request takes a new snapshot")
        }
    }

    @Test("segment membership: static by snapshot, cycles rejected, a used segment cannot be deleted", arguments: Engine.available)
    func membership(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await SegmentData.make(app)
            let base = try await app.request(.post, "/api/segments", json: #"{"name":"Base","kind":"dynamic","rules":\#(SegmentData.spendAndRead)}"#).json
            let baseID = base["id"].string!
            let outer = try await app.request(.post, "/api/segments", json: """
                {"name":"Outer","kind":"dynamic","rules":{"field":"segment","operator":"not_in_segment","value":"\(baseID)"}}
                """)
            #expect(outer.status == .created, "\(outer.text)")
            #expect(outer.json["contact_count"].number == 2)
            let outerID = outer.json["id"].string!
            expectError(
                try await app.request(.patch, "/api/segments/\(baseID)", json: #"{"rules":{"field":"segment","operator":"in_segment","value":"\#(outerID)"}}"#),
                .unprocessableContent, code: "invalid_rules"
            )
            let cycle = try await app.request(.patch, "/api/segments/\(baseID)", json: #"{"rules":{"field":"segment","operator":"in_segment","value":"\#(outerID)"}}"#)
            #expect(cycle.json["error"]["problems"][0]["code"].string == "cycle", "\(cycle.text)")
            expectError(try await app.request(.delete, "/api/segments/\(baseID)"), .conflict, code: "in_use")
            #expect(try await app.request(.delete, "/api/segments/\(outerID)").status == .noContent)
            #expect(try await app.request(.delete, "/api/segments/\(baseID)").status == .noContent)
            #expect(try await count(app, "segment_members") == 0)
        }
    }

    @Test("a campaign targets a segment: pre-flight counts it and the audience is frozen when sending starts", arguments: Engine.available)
    func campaignAudience(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 0)
            let data = try await SegmentData.make(app)
            let segment = try await app.request(.post, "/api/segments", json: #"{"name":"Readers","kind":"dynamic","rules":\#(SegmentData.spendAndRead)}"#).json
            let segmentID = segment["id"].string!
            let variables = #""variables":{"1":{"field":"first_name","fallback":"there"},"2":{"text":"20%"}},"cta_url":"https://shop.example/x""#
            expectError(
                try await app.request(.post, "/api/campaigns", json: #"{"name":"C","template_id":"\#(f.template.id)",\#(variables),"audience":{"type":"segment","segment_id":"\#(UUID())"}}"#),
                .unprocessableContent, field: "audience.segment_id"
            )
            expectError(
                try await app.request(.post, "/api/campaigns", json: #"{"name":"C","template_id":"\#(f.template.id)",\#(variables),"audience":{"type":"segment"}}"#),
                .unprocessableContent, field: "audience.segment_id"
            )
            let created = try await app.request(.post, "/api/campaigns", json: """
                {"name":"To readers","template_id":"\(f.template.id)",\(variables),"audience":{"type":"segment","segment_id":"\(segmentID)"}}
                """)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["audience"]["segment_id"].string == segmentID)
            let campaignID = created.json["id"].string!
            let preflight = try await app.request(.get, "/api/campaigns/\(campaignID)/preflight").json
            #expect(preflight["audience"].number == 1, "\(preflight)")
            #expect(preflight["eligible"].number == 1)
            expectError(try await app.request(.delete, "/api/segments/\(segmentID)"), .conflict, code: "in_use")

            let campaign = try await app.services.messaging.campaigns.find(workspaceID: app.workspace.id, id: UUID(uuidString: campaignID)!)!
            let size = try await AudienceFreeze(database: app.database, segments: app.services.segments).freeze(campaign, category: "MARKETING")
            #expect(size == 1)
            // The audience was resolved once; Ben reading a message now does not add him to this campaign.
            _ = try await app.request(.post, "/api/events/import", json: #"[{"contact":"+4915112345672","type":"read","occurred_at":"\#(SegmentData.iso(daysAgo: 1))"}]"#)
            let recipients = try await app.database.read { sql in
                try await sql.raw("SELECT contact_id FROM messages WHERE campaign_id = \(bind: campaign.id)").all().map { try $0.decode(column: "contact_id", as: UUID.self).uuidString.lowercased() }
            }
            #expect(recipients == [data.ana])
        }
    }

    @Test("the background refresh brings a dynamic segment's count up to date after an import", arguments: Engine.available)
    func backgroundRefresh(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await SegmentData.make(app)
            let live = try await app.request(.post, "/api/segments", json: #"{"name":"Live","kind":"dynamic","rules":\#(SegmentData.spendAndRead)}"#).json
            #expect(live["contact_count"].number == 1)
            let worker = SegmentRefreshWorker(segments: app.services.segments, interval: 3600, logger: TestDatabase.logger, poll: .milliseconds(50))
            let task = Task { try await worker.run() }
            defer { task.cancel() }
            _ = try await app.request(.post, "/api/events/import", json: #"[{"contact":"+4915112345672","type":"read","occurred_at":"\#(SegmentData.iso(daysAgo: 1))"}]"#)
            var count = 1.0
            for _ in 0..<200 where count == 1 {
                try await Task.sleep(for: .milliseconds(50))
                count = try await app.request(.get, "/api/segments/\(live["id"].string!)").json["contact_count"].number ?? 0
            }
            #expect(count == 2, "Ben read a message, so the refresh after the import counts him")
        }
    }

    @Test("templates are listed with parameters and fill into rules the preview accepts", arguments: Engine.available)
    func templates(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await SegmentData.make(app)
            let list = try await app.request(.get, "/api/segments/templates").json["data"].array
            #expect(list.count >= 8)
            let ids = Set(list.compactMap { $0["id"].string })
            for id in ["vip_spenders", "lapsed_customers", "category_fans", "never_engaged"] { #expect(ids.contains(id), "missing \(id)") }
            let filled = try await app.request(.post, "/api/segments/templates/vip_spenders/rules", json: #"{"parameters":{"min_spend":550,"days":60}}"#)
            #expect(filled.status == .ok, "\(filled.text)")
            #expect(filled.json["name"].string?.isEmpty == false)
            let rules = filled.json["rules"]
            let preview = try await app.request(.post, "/api/segments/preview", json: #"{"rules":\#(String(decoding: try JSONEncoder().encode(rules), as: UTF8.self))}"#)
            #expect(preview.json["count"].number == 2, "Ana and Ben spent $600 ten days ago: \(preview.text)")
            #expect(try await app.request(.post, "/api/segments/templates/vip_spenders/rules").status == .ok, "an empty body takes the defaults")
            expectError(try await app.request(.post, "/api/segments/templates/nope/rules", json: "{}"), .notFound)
            expectError(try await app.request(.post, "/api/segments/templates/category_fans/rules", json: #"{"parameters":{}}"#), .unprocessableContent, code: "invalid_rules")
            expectError(try await app.request(.post, "/api/segments/templates/vip_spenders/rules", json: #"{"parameters":{"days":"soon"}}"#), .unprocessableContent, code: "invalid_rules")
        }
    }
}
