import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import HeraldApp

@Suite("Web console: segments")
struct WebConsoleSegmentsTests {
    /// Saves a segment through the API and returns its id, lowercased as the console's links spell it.
    static func createSegment(_ app: TestApp, name: String, kind: String = "dynamic", rules: String = SegmentData.spendAndRead) async throws -> String
    {
        let body = #"{"name":\#(JSONValue.string(name).jsonText),"description":"Buyers who read","kind":"\#(kind)","rules":\#(rules)}"#
        let response = try await app.request(.post, "/api/segments", json: body)
        #expect(response.status == .created, "\(response.text)")
        return try #require(response.json["id"].string).lowercased()
    }

    static func page(_ app: TestApp, _ path: String, cookie: String) async throws -> String {
        try await WebConsoleMessagingTests.page(app, path, cookie: cookie)
    }

    /// The text of a `<script type="application/json" id="…">` block, parsed.
    static func jsonBlock(_ html: String, _ id: String) throws -> JSONValue {
        let start = try #require(html.range(of: #"<script type="application/json" id="\#(id)">"#))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        return try JSONValue.parse(Data(html[start.upperBound..<end.lowerBound].utf8))
    }

    @Test("the list, the builder and a saved segment's page render with navigation and the builder's JSON", arguments: Engine.available)
    func pages(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let data = try await SegmentData.make(app)
            let order = try await app.request(
                .post, "/api/orders",
                json: """
                    {"external_id":"o9","contact":"+4915112345671","total":4500,"lines":[
                      {"product_external_id":"SKU-1","name":"Trail shoe","category":"Shoes","unit_price":4500}]}
                    """)
            #expect(order.status == .created, "\(order.text)")
            let (cookie, _) = try await WebConsoleTests.signIn(app)

            let empty = try await Self.page(app, "/segments", cookie: cookie)
            #expect(empty.contains("No segments yet") && empty.contains("id=\"segment-template-links\"") && empty.contains("id=\"new-segment\""))
            #expect(empty.contains(#"<a href="/segments" class="active" aria-current="page">Segments</a>"#))
            #expect(!empty.contains("Coming next"))

            let id = try await Self.createSegment(app, name: "Spend and read")
            let list = try await Self.page(app, "/segments", cookie: cookie)
            for text in ["href=\"/segments/\(id)\"", "Spend and read", "status dynamic", "Buyers who read", "id=\"segments-table\""] {
                #expect(list.contains(text), "the list lacks \(text)")
            }
            #expect(list.contains(#"<td class="num segment-count">1</td>"#), "Ana is the one member")

            let new = try await Self.page(app, "/segments/new", cookie: cookie)
            for text in [
                "<h1 id=\"segment-title\">New segment", "id=\"rule-builder\"", "/static/segments.js", "id=\"save-segment\"", "id=\"template-menu\"",
            ] {
                #expect(new.contains(text), "the builder lacks \(text)")
            }
            let fields = try Self.jsonBlock(new, "segment-catalog")["fields"].array
            let spend = try #require(fields.first { $0["id"].string == "purchases.total_spend" })
            #expect(spend["accepts_window"] == .bool(true) && spend["operators"].array.contains { $0["id"].string == "gt" })
            let options = try Self.jsonBlock(new, "segment-options")
            #expect(options["currencySymbol"].string == "$" && options["currency"].string == "USD")
            #expect(options["products"][0]["name"].string == "Trail shoe" && options["products"][0]["detail"].string == "SKU-1 · Shoes")
            #expect(options["categories"][0]["name"].string == "Shoes")
            #expect(options["segments"][0]["id"].string == id && options["segments"][0]["name"].string == "Spend and read")
            #expect(try Self.jsonBlock(new, "segment-data") == .null)

            let saved = try await Self.page(app, "/segments/\(id)?done=saved", cookie: cookie)
            for text in [
                "Segment saved.", "id=\"refresh-segment\"", "id=\"members-table\"", "id=\"refreshes-table\"", "id=\"delete-segment\"",
                "Spend and read",
            ] {
                #expect(saved.contains(text), "the saved segment's page lacks \(text)")
            }
            let segment = try Self.jsonBlock(saved, "segment-data")
            #expect(segment["id"].string?.lowercased() == id && segment["kind"].string == "dynamic")
            #expect(segment["rules"]["children"].array.count == 2)
            #expect(saved.contains(#"<strong id="saved-count">1</strong>"#))

            for missing in ["/segments/\(UUID())", "/segments/not-an-id"] {
                #expect(try await app.request(.get, missing, key: "", headers: [.cookie: cookie]).status == .notFound, "\(missing)")
            }
            let script = try await app.request(.get, "/static/segments.js", key: "")
            #expect(script.status == .ok && script.text.contains("/api/segments/preview"))
            #expect(try await app.request(.get, "/segments", key: "").status == .seeOther, "the pages need a session")
            _ = data
        }
    }

    @Test("a name cannot end the page's JSON block or add markup")
    func escaping() async throws {
        try await TestApp.with(.sqlite) { app in
            _ = try await SegmentData.make(app)
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            let id = try await Self.createSegment(app, name: "</script><script>alert(1)</script> & co")
            let page = try await Self.page(app, "/segments/\(id)", cookie: cookie)
            #expect(!page.contains("<script>alert(1)"))
            #expect(page.contains(#"\u003c\/script\u003e\u003cscript\u003ealert(1)\u003c\/script\u003e \u0026 co"#), "escaped in JSON")
            #expect(try Self.jsonBlock(page, "segment-data")["name"].string == "</script><script>alert(1)</script> & co")
            let list = try await Self.page(app, "/segments", cookie: cookie)
            #expect(list.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; co") && !list.contains("<script>alert(1)"))
        }
    }

    @Test("a viewer sees segments but cannot open the builder for a new one or save, refresh or delete")
    func viewer() async throws {
        try await TestApp.with(.sqlite) { app in
            _ = try await SegmentData.make(app)
            let id = try await Self.createSegment(app, name: "Spend and read")
            let (cookie, _) = try await WebConsoleTests.signIn(app, email: "viewer@acme.test", role: .viewer)
            let list = try await Self.page(app, "/segments", cookie: cookie)
            #expect(list.contains("Spend and read") && !list.contains("id=\"new-segment\""))
            #expect(try await app.request(.get, "/segments/new", key: "", headers: [.cookie: cookie]).status == .forbidden)
            let page = try await Self.page(app, "/segments/\(id)", cookie: cookie)
            #expect(page.contains("id=\"rule-builder\""))
            for control in ["id=\"save-segment\"", "id=\"delete-segment\"", "id=\"refresh-segment\""] {
                #expect(!page.contains(control), "a viewer is offered \(control)")
            }
        }
    }

    @Test("the campaign form offers saved segments with their counts and saves a campaign that targets one", arguments: Engine.available)
    func campaignAudience(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 3)
            let vip = try await app.request(
                .post, "/api/contacts",
                json: #"{"phone":"+4915112345699","name":"Vera","tags":["vip"],"consent":{"status":"opted_in","source":"test"}}"#
            )
            #expect(vip.status == .created, "\(vip.text)")
            let rules = #"{"combinator":"and","children":[{"field":"contact.tags","operator":"contains","value":"vip"}]}"#
            let id = try await Self.createSegment(app, name: "VIPs", kind: "static", rules: rules)
            let (cookie, csrf) = try await WebConsoleTests.signIn(app)
            let template = f.template.id.uuidString.lowercased()

            let form = try await Self.page(app, "/campaigns/new", cookie: cookie)
            #expect(form.contains(#"<option value="\#(id)" data-count="1">VIPs (static, 1 contact)</option>"#), "the segment with its count")
            #expect(form.contains(#"id="audience-all" checked"#) && !form.contains("disabled> Saved segment"))
            let everyone = try await Self.page(app, "/campaigns/new?fragment=preflight&template_id=\(template)", cookie: cookie)
            let segmentOnly = try await Self.page(
                app, "/campaigns/new?fragment=preflight&template_id=\(template)&audience=segment&segment_id=\(id)", cookie: cookie
            )
            #expect(
                everyone.contains("id=\"pf-eligible\">4<") && segmentOnly.contains("id=\"pf-eligible\">1<"), "pre-flight counts the chosen audience")

            let fields =
                [("template_id", template)]
                + WebConsoleMessagingTests.replacing(WebConsoleMessagingTests.campaignForm, "audience", with: "segment") + [("segment_id", id)]
            let saved = try await WebConsoleMessagingTests.post(app, "/campaigns/new", fields, cookie: cookie, csrf: csrf)
            #expect(saved.status == .seeOther, "\(saved.text)")
            let campaignID = try #require(saved.headers[.location]?.firstMatch(of: /\/campaigns\/([0-9a-f-]{36})/)?.1).description
            let campaign = try await app.request(.get, "/api/campaigns/\(campaignID)")
            #expect(campaign.json["audience"]["type"].string == "segment")
            #expect(campaign.json["audience"]["segment_id"].string?.lowercased() == id)
            let campaignPage = try await Self.page(app, "/campaigns/\(campaignID)", cookie: cookie)
            #expect(campaignPage.contains("<dd>Saved segment “VIPs”</dd>"), "the campaign's page names its audience")

            let missing = WebConsoleMessagingTests.replacing(fields, "segment_id", with: UUID().uuidString)
            let refused = try await WebConsoleMessagingTests.post(app, "/campaigns/new", missing, cookie: cookie, csrf: csrf)
            #expect(refused.status == .unprocessableContent && refused.text.contains("id=\"error-audience\""), "\(refused.status)")
            #expect(refused.text.contains(#"id="audience-segment" checked"#), "the choice is kept")
        }
    }

    @Test("a contact's page lists the segments it is in and when it entered them", arguments: Engine.available)
    func contactMemberships(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let data = try await SegmentData.make(app)
            let id = try await Self.createSegment(app, name: "Spend and read")
            #expect(try await app.request(.post, "/api/segments/\(id)/refresh").status == .ok)
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            let ana = try await Self.page(app, "/contacts/\(data.ana.lowercased())", cookie: cookie)
            #expect(ana.contains("id=\"contact-segments\"") && ana.contains(#"<a href="/segments/\#(id)">Spend and read</a>"#))
            #expect(ana.contains(#"<td class="change entered">entered</td>"#), "the refresh recorded Ana entering")
            let ben = try await Self.page(app, "/contacts/\(data.ben.lowercased())", cookie: cookie)
            #expect(ben.contains("Not in any saved segment") && !ben.contains("Spend and read"))
        }
    }
}
