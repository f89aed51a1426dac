import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Simulator

@Suite("message_templates")
struct TemplateAPITests {
    static let listURI = "/v21.0/\(Fixture.wabaID)/message_templates"

    @Test("the template list pages with cursors and omits next on the last page")
    func paging() async throws {
        let names = ["alpha", "bravo", "charlie", "delta", "echo"]
        let simulator = await Fixture.simulator(templates: names.map { Fixture.promo(name: $0) })
        try await simulator.makeApplication().test(.router) { client in
            var seen: [String] = []
            var uri = "\(Self.listURI)?limit=2"
            var pages = 0
            while true {
                let response = try await client.execute(uri: uri, method: .get, headers: Fixture.auth)
                #expect(response.status == .ok)
                let data = try #require(response.json["data"] as? [[String: Any]])
                seen += data.compactMap { $0["name"] as? String }
                #expect(data.allSatisfy { $0["status"] as? String == "APPROVED" && $0["components"] is [Any] && $0["id"] is String })
                #expect(data.allSatisfy { $0["parameter_format"] as? String == "POSITIONAL" }, "Meta lists a format for every template")
                let summary = try #require(response.json["summary"] as? [String: Any], "clients such as pywa read the summary")
                #expect(summary["total_count"] as? Int == names.count && summary["message_template_limit"] as? Int == 250)
                let paging = try #require(response.json["paging"] as? [String: Any])
                let cursors = try #require(paging["cursors"] as? [String: String])
                #expect(cursors["before"] != nil)
                pages += 1
                guard let next = paging["next"] as? String else { break }
                let components = try #require(URLComponents(string: next))
                #expect(components.path == Self.listURI)
                #expect(components.queryItems?.first { $0.name == "after" }?.value == cursors["after"])
                uri = "\(components.path)?\(components.percentEncodedQuery ?? "")"
            }
            #expect(seen == names)
            #expect(pages == 3)
        }
    }

    @Test("the demo templates carry Meta's example values for every variable in their body and URL buttons")
    func demoExamples() throws {
        for template in DemoCatalog.templates(linkBase: "http://127.0.0.1:8080") {
            #expect(throws: Never.self, "\(template.name) could be created through the Graph API") {
                try TemplateExamples.check(template.components, named: false)
            }
            for case .object(let component) in template.components {
                if case .string(let text)? = component["text"], text.contains("{{") {
                    guard case .object(let example)? = component["example"], case .array(let rows)? = example["body_text"],
                        case .array(let values)? = rows.first
                    else { Issue.record("\(template.name): the body has no example"); continue }
                    #expect(values.count == text.components(separatedBy: "{{").count - 1, "\(template.name): one value per variable")
                }
                guard case .array(let buttons)? = component["buttons"] else { continue }
                for case .object(let button) in buttons {
                    if case .string(let url)? = button["url"], url.contains("{{") {
                        guard case .array(let example)? = button["example"], case .string(let sample)? = example.first else {
                            Issue.record("\(template.name): the URL button has no example")
                            continue
                        }
                        #expect(!sample.contains("{{"), "\(template.name): the example fills the variable in")
                    }
                }
            }
        }
    }

    @Test("a created template is PENDING, unusable, then APPROVED with a status-update webhook")
    func createThenApprove() async throws {
        let inbox = WebhookInbox()
        try await inbox.run { base in
            var config = Fixture.config(webhookURL: base + "/webhook")
            config.templateApprovalDelay = 1_000  // one second at timeScale 0.001
            let simulator = await Fixture.simulator(config)
            try await simulator.makeApplication().test(.router) { client in
                let draft: [String: Any] = [
                    "name": "welcome_back", "language": "en_US", "category": "MARKETING", "parameter_format": "POSITIONAL",
                    "components": [["type": "BODY", "text": "Welcome back {{1}}!", "example": ["body_text": [["Jess"]]]]],
                ]
                let created = try await client.execute(uri: Self.listURI, method: .post, headers: Fixture.auth, body: Fixture.json(draft))
                #expect(created.status == .ok)
                #expect(created.json["status"] as? String == "PENDING")
                #expect(created.json["category"] as? String == "MARKETING")
                let id = try #require(created.json["id"] as? String)

                let send = Fixture.json([
                    "messaging_product": "whatsapp", "to": "919812345678", "type": "template",
                    "template": [
                        "name": "welcome_back", "language": ["code": "en_US"],
                        "components": [["type": "body", "parameters": [["type": "text", "text": "Jess"]]]],
                    ] as [String: Any],
                ])
                let early = try await client.execute(uri: Fixture.messagesURI, method: .post, headers: Fixture.auth, body: send)
                #expect(early.errorCode == 132001)

                let duplicate = try await client.execute(uri: Self.listURI, method: .post, headers: Fixture.auth, body: Fixture.json(draft))
                #expect(duplicate.errorCode == 100)
                #expect((duplicate.json["error"] as? [String: Any])?["error_subcode"] as? Int == 2_388_024)

                let update = try await inbox.waitFor { $0.templateUpdates.first }
                #expect(update["event"] as? String == "APPROVED")
                #expect(update["message_template_id"] as? Int == Int(id))
                #expect(update["message_template_name"] as? String == "welcome_back")
                #expect(update["message_template_language"] as? String == "en_US")
                #expect(update.keys.contains("reason"))

                let late = try await client.execute(uri: Fixture.messagesURI, method: .post, headers: Fixture.auth, body: send)
                #expect(late.status == .ok)
            }
        }
    }

    @Test(
        "template creation enforces Meta's name and length limits",
        arguments: [
            #"{"name":"Bad Name","language":"en_US","category":"MARKETING","components":[{"type":"BODY","text":"hi"}]}"#,
            #"{"name":"long_body","language":"en_US","category":"MARKETING","components":[{"type":"BODY","text":"\#(String(repeating: "a", count: 1025))"}]}"#,
            #"{"name":"long_footer","language":"en_US","category":"MARKETING","components":[{"type":"BODY","text":"hi"},{"type":"FOOTER","text":"\#(String(repeating: "f", count: 61))"}]}"#,
            #"{"name":"long_button","language":"en_US","category":"UTILITY","components":[{"type":"BODY","text":"hi"},{"type":"BUTTONS","buttons":[{"type":"QUICK_REPLY","text":"\#(String(repeating: "b", count: 26))"}]}]}"#,
            #"{"name":"no_category","language":"en_US","components":[{"type":"BODY","text":"hi"}]}"#,
        ]
    )
    func createValidation(draft: String) async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let response = try await client.execute(uri: Self.listURI, method: .post, headers: Fixture.auth, body: ByteBuffer(string: draft))
            #expect(response.status == .badRequest)
            #expect(response.errorCode == 100)
        }
    }

    @Test(
        "template creation requires Meta's examples for every variable, naming the component",
        arguments: [
            (#"{"type":"BODY","text":"Hi {{1}}, {{2}} off"}"#, "BODY"),
            (#"{"type":"BODY","text":"Hi {{1}}, {{2}} off","example":{"body_text":[["Jess"]]}}"#, "BODY"),
            (#"{"type":"HEADER","format":"TEXT","text":"Hello {{1}}"},{"type":"BODY","text":"hi"}"#, "HEADER"),
            (#"{"type":"HEADER","format":"IMAGE"},{"type":"BODY","text":"hi"}"#, "HEADER"),
            (
                #"{"type":"BODY","text":"hi"},{"type":"BUTTONS","buttons":[{"type":"URL","text":"Shop","url":"https://x.example/r/{{1}}"}]}"#,
                "BUTTONS"
            ),
        ]
    )
    func examplesRequired(components: String, named: String) async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let draft = #"{"name":"needs_examples","language":"en_US","category":"MARKETING","components":[\#(components)]}"#
            let response = try await client.execute(uri: Self.listURI, method: .post, headers: Fixture.auth, body: ByteBuffer(string: draft))
            #expect(response.status == .badRequest)
            #expect(response.errorCode == 100)
            let details = ((response.json["error"] as? [String: Any])?["error_data"] as? [String: Any])?["details"] as? String ?? ""
            #expect(details.contains(named) && details.contains("example"), "\(details)")
        }
    }

    @Test("named parameters need body_text_named_params naming each one")
    func namedExamples() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            func create(_ name: String, example: String) async throws -> TestResponse {
                let draft = #"""
                    {"name":"\#(name)","language":"en_US","category":"UTILITY","parameter_format":"NAMED",
                     "components":[{"type":"BODY","text":"Hi {{first_name}}, order {{order}}","example":\#(example)}]}
                    """#
                return try await client.execute(uri: Self.listURI, method: .post, headers: Fixture.auth, body: ByteBuffer(string: draft))
            }
            let positional = try await create("named_a", example: #"{"body_text":[["Jess","A-1"]]}"#)
            #expect(positional.errorCode == 100)
            let partial = try await create("named_b", example: #"{"body_text_named_params":[{"param_name":"first_name","example":"Jess"}]}"#)
            #expect(partial.errorCode == 100)
            let full = try await create(
                "named_c",
                example: #"{"body_text_named_params":[{"param_name":"first_name","example":"Jess"},{"param_name":"order","example":"A-1"}]}"#
            )
            #expect(full.status == .ok, "\(full.json)")
        }
    }

    @Test("a template with every example Meta asks for is accepted")
    func examplesAccepted() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let draft = #"""
                {"name":"complete","language":"en_US","category":"MARKETING","components":[
                 {"type":"HEADER","format":"IMAGE","example":{"header_handle":["4::aW1hZ2U="]}},
                 {"type":"BODY","text":"Hi {{1}}, {{2}} off","example":{"body_text":[["Jess","20%"]]}},
                 {"type":"BUTTONS","buttons":[{"type":"URL","text":"Shop","url":"https://x.example/r/{{1}}","example":["https://x.example/r/abc"]},
                  {"type":"QUICK_REPLY","text":"Stop promotions"}]}]}
                """#
            let response = try await client.execute(uri: Self.listURI, method: .post, headers: Fixture.auth, body: ByteBuffer(string: draft))
            #expect(response.status == .ok, "\(response.json)")
        }
    }

    @Test("pausing a template through the control API makes sends fail with 132015")
    func pauseThroughControl() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let change = try await client.execute(
                uri: "/_simulator/template-status",
                method: .post,
                headers: [.contentType: "application/json"],
                body: Fixture.json(["name": "promo", "language": "en_US", "event": "PAUSED"])
            )
            #expect(change.status == .ok)
            let send = try await client.execute(
                uri: Fixture.messagesURI,
                method: .post,
                headers: Fixture.auth,
                body: Fixture.promoMessage(to: "919812345678")
            )
            #expect(send.errorCode == 132015)
            let list = try await client.execute(uri: "\(Self.listURI)?status=PAUSED", method: .get, headers: Fixture.auth)
            #expect((list.json["data"] as? [[String: Any]])?.map { $0["name"] as? String } == ["promo"])
        }
    }

    @Test("GET on the phone number describes it")
    func phoneNumber() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let response = try await client.execute(uri: "/v21.0/\(Fixture.phoneID)", method: .get, headers: Fixture.auth)
            #expect(response.json["id"] as? String == Fixture.phoneID)
            #expect(response.json["display_phone_number"] as? String == "15550001234")
            #expect(response.json["verified_name"] as? String == "Herald Simulator")
            #expect(response.json["quality_rating"] as? String == "GREEN")
            #expect((response.json["throughput"] as? [String: String])?["level"] == "STANDARD")
        }
    }
}
