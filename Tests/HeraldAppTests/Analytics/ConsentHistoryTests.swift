import Foundation
import SQLKit
import Testing
import WhatsApp

@testable import HeraldApp

@Suite("Consent history")
struct ConsentHistoryTests {
    func history(_ app: TestApp, _ contactID: UUID) async throws -> [String] {
        try await app.database.read { sql in
            try await sql.raw("SELECT status, source FROM consent_changes WHERE contact_id = \(bind: contactID) ORDER BY at, id").all().map {
                "\(try $0.decode(column: "status", as: String.self)) \(try $0.decode(column: "source", as: String?.self) ?? "-")"
            }
        }
    }

    func text(_ f: MessagingFixture, _ index: Int, _ body: String, id: String, at: Date) -> [UInt8] {
        f.inbound(InboundMessage(wamid: id, from: String(f.messages[index].phone.dropFirst()), timestamp: at, type: "text", text: body))
    }

    @Test("a STOP reply and a START each leave one row; a repeated STOP leaves none", arguments: Engine.available)
    func whatsApp(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 1)
            let contact = f.messages[0].contact
            #expect(try await history(app, contact) == ["opted_in api"], "created through the API with consent")
            let t = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 60).rounded())
            try await f.deliver(text(f, 0, "STOP", id: "wamid.h1", at: t))
            try await f.process()
            #expect(try await history(app, contact) == ["opted_in api", "opted_out whatsapp_keyword"])
            try await f.deliver(text(f, 0, "STOP", id: "wamid.h2", at: t + 5))
            try await f.process()
            #expect(try await history(app, contact).count == 2, "already opted out: the time moves, the status does not")
            try await f.deliver(text(f, 0, "START", id: "wamid.h3", at: t + 10))
            try await f.process()
            #expect(try await history(app, contact) == ["opted_in api", "opted_out whatsapp_keyword", "opted_in whatsapp_keyword"])
        }
    }

    @Test("an API change leaves one row and an unchanged status none", arguments: Engine.available)
    func api(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let id = try #require(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345601"}"#).json["id"].string)
            let contact = try #require(UUID(uuidString: id))
            #expect(try await history(app, contact).isEmpty, "unknown consent is no change")
            #expect(try await app.request(.patch, "/api/contacts/\(id)", json: #"{"consent":"opted_out"}"#).status == .ok)
            #expect(try await history(app, contact) == ["opted_out api"])
            #expect(try await app.request(.patch, "/api/contacts/\(id)", json: #"{"consent":{"status":"opted_out","source":"form"}}"#).status == .ok)
            #expect(try await app.request(.patch, "/api/contacts/\(id)", json: #"{"name":"Ana"}"#).status == .ok)
            #expect(try await history(app, contact) == ["opted_out api"], "same status, another source")
            let bulk = try await app.request(.post, "/api/contacts/bulk", json: #"{"contacts":[{"phone":"+4915112345601","consent":"opted_in"}]}"#)
            #expect(bulk.status == .ok, "\(bulk.text)")
            #expect(try await history(app, contact) == ["opted_out api", "opted_in api"])
        }
    }

    @Test("an import leaves one row per contact whose status it changes", arguments: Engine.available)
    func csvImport(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let id = try #require(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345601","consent":"opted_in"}"#).json["id"].string)
            let kept = try #require(UUID(uuidString: id))
            let csv = "phone,name,consent\r\n+4915112345601,Ana,yes\r\n+4915112345602,Ben,no\r\n+4915112345603,Cy,\r\n"
            #expect(try await app.request(.post, "/api/contacts/import", body: csv, contentType: "text/csv").status == .accepted)
            try await app.runJobs()
            #expect(try await history(app, kept) == ["opted_in api"], "already opted in")
            let rows = try await app.database.read { sql in
                try await sql.raw("SELECT c.phone, h.status, h.source FROM consent_changes h JOIN contacts c ON c.id = h.contact_id ORDER BY c.phone").all()
                    .map { "\(try $0.decode(column: "phone", as: String.self)) \(try $0.decode(column: "status", as: String.self)) \(try $0.decode(column: "source", as: String.self))" }
            }
            #expect(rows == ["+4915112345601 opted_in api", "+4915112345602 opted_out import"])
        }
    }
}
