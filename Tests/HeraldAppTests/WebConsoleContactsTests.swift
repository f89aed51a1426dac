import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldApp

/// Contacts known by a WhatsApp username and business-scoped user ID (BSUID) as the console shows them (issue 10).
@Suite("Web console: contacts with WhatsApp identities")
struct WebConsoleContactsTests {
    static let bsuid = "US.13491208655302741918"
    static let parent = "US.ENT.11815799212886844830"

    /// A contact with a username and a BSUID but no phone, and one with a phone only; returns the first one's id.
    static func contacts(_ app: TestApp) async throws -> String {
        let ana = try await app.request(
            .post, "/api/contacts", json: #"{"bsuid":"\#(bsuid)","parent_bsuid":"\#(parent)","username":"@Ana.Sells","country":"US"}"#
        )
        #expect(ana.status == .created, "\(ana.text)")
        let ben = try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","name":"Ben Phone"}"#)
        #expect(ben.status == .created, "\(ben.text)")
        return try #require(ana.json["id"].string).lowercased()
    }

    /// The body of the contacts table: the rows only, without the page's search form or import hint.
    static func tableBody(_ html: String) throws -> Substring {
        let start = try #require(html.range(of: "<tbody>"))
        let end = try #require(html.range(of: "</tbody>", range: start.upperBound..<html.endIndex))
        return html[start.upperBound..<end.lowerBound]
    }

    @Test(
        "a contact without a phone shows its @username and short BSUID in the list, and the search box finds it by @username or BSUID",
        arguments: Engine.available
    )
    func list(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let id = try await Self.contacts(app)
            let (cookie, _) = try await WebConsoleTests.signIn(app)

            let page = try await WebConsoleSegmentsTests.page(app, "/contacts", cookie: cookie)
            #expect(page.contains(#"placeholder="Search by name, phone, email, @username or WhatsApp user ID""#))
            #expect(page.contains("<th>WhatsApp</th>"))
            let rows = try Self.tableBody(page)
            #expect(rows.contains("@ana.sells"), "the username, normalised, in the list: \(rows)")
            #expect(rows.contains(#"title="\#(Self.bsuid)">US.1349…1918</span>"#), "a short BSUID with the whole one on hover: \(rows)")
            #expect(rows.contains(#"<td class="mono"><span class="hint" title="No phone number shared">—</span></td>"#), "\(rows)")
            #expect(!rows.contains("null") && !rows.contains("<td class=\"mono\"></td>"), "an absent phone is a dash, never blank or null: \(rows)")
            #expect(rows.contains("+4915112345678") && rows.contains("Ben Phone"))
            #expect(!rows.contains("US.ENT"), "the parent BSUID belongs on the detail page")

            for query in ["%40ana", "%40ANA.s", "ana.se", Self.bsuid] {
                let found = try await WebConsoleSegmentsTests.page(app, "/contacts?q=\(query)", cookie: cookie)
                let foundRows = try Self.tableBody(found)
                #expect(foundRows.contains("href=\"/contacts/\(id)\""), "\(query) finds the username contact")
                #expect(!foundRows.contains("Ben Phone"), "\(query) finds only the username contact")
                #expect(found.contains(#"<span class="count" id="contact-count">1</span>"#), "\(query)")
            }
            let fragment = try await WebConsoleSegmentsTests.page(app, "/contacts?fragment=rows&q=%40ana", cookie: cookie)
            #expect(fragment.contains("@ana.sells") && !fragment.contains("<html"), "the rows the import reloads carry the identities too")
        }
    }

    @Test(
        "the detail page shows the username, BSUID and parent BSUID, says the phone is not shared and how messages reach the contact",
        arguments: Engine.available
    )
    func detail(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let id = try await Self.contacts(app)
            let (cookie, _) = try await WebConsoleTests.signIn(app)

            let page = try await WebConsoleSegmentsTests.page(app, "/contacts/\(id)", cookie: cookie)
            #expect(page.contains("<h1>@ana.sells</h1>"), "no name: the heading is the contact's label")
            #expect(page.contains("<title>@ana.sells"), "\(page.prefix(400))")
            #expect(page.contains(#"<dt>Phone</dt><dd class="hint" id="contact-phone">Not shared</dd>"#))
            #expect(page.contains(#"<dt>WhatsApp username</dt><dd id="contact-username">@ana.sells</dd>"#))
            #expect(page.contains(#"<dt>WhatsApp user ID</dt><dd class="mono" id="contact-bsuid">\#(Self.bsuid)</dd>"#))
            #expect(page.contains(#"<dt>Parent user ID</dt><dd class="mono" id="contact-parent-bsuid">\#(Self.parent)</dd>"#))
            #expect(page.contains(#"id="contact-no-phone""#), "a phone-less contact gets the explanation")
            #expect(page.contains("messages are addressed to that ID"))
            #expect(!page.contains("null") && !page.contains("(no name)"))

            let list = try await app.request(.get, "/api/contacts?q=Ben", key: app.key).json
            let ben = try #require(list["data"][0]["id"].string).lowercased()
            let benPage = try await WebConsoleSegmentsTests.page(app, "/contacts/\(ben)", cookie: cookie)
            #expect(benPage.contains("<h1>Ben Phone</h1>"))
            #expect(benPage.contains(#"<dt>Phone</dt><dd class="mono" id="contact-phone">+4915112345678</dd>"#))
            for absent in ["contact-username", "contact-bsuid", "contact-parent-bsuid", "contact-no-phone", "Not shared"] {
                #expect(!benPage.contains(absent), "a contact with only a phone has no \(absent)")
            }
        }
    }

    @Test(
        "segment previews, member lists and history carry the username and BSUID the builder labels a phone-less contact with",
        arguments: Engine.available
    )
    func segmentSummaries(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let id = try await Self.contacts(app)
            let rules = #"{"combinator":"and","not":false,"children":[{"field":"contact.username","operator":"is_set"}]}"#
            let preview = try await app.request(.post, "/api/segments/preview", json: #"{"rules":\#(rules)}"#)
            #expect(preview.status == .ok, "\(preview.text)")
            let summary = preview.json["contacts"][0]
            #expect(summary["id"].string?.lowercased() == id)
            #expect(summary["username"].string == "ana.sells" && summary["bsuid"].string == Self.bsuid, "\(preview.text)")

            let segment = try await WebConsoleSegmentsTests.createSegment(app, name: "Usernames", rules: rules)
            let members = try await app.request(.get, "/api/segments/\(segment)/contacts").json["data"]
            #expect(members[0]["username"].string == "ana.sells" && members[0]["bsuid"].string == Self.bsuid, "\(members)")
            let change = try await app.request(.get, "/api/segments/\(segment)/history").json["changes"][0]
            #expect(change["contact_id"].string?.lowercased() == id && change["change"].string == "entered")
            #expect(change["username"].string == "ana.sells" && change["bsuid"].string == Self.bsuid, "\(change)")
        }
    }
}
