import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldApp

@Suite("Ids in JSON and paths")
struct IDCasingTests {
    /// A UUID written with at least one upper-case hex letter.
    static func upperCaseIDs(in text: String) -> [String] {
        text.matches(of: /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/)
            .map { String($0.output) }
            .filter { $0 != $0.lowercased() }
    }

    @Test("the job id in an import's answer fetches the job", arguments: Engine.available)
    func importJobID(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let accepted = try await app.request(.post, "/api/contacts/import", body: "phone\n+4915112345601\n", contentType: "text/csv")
            let jobID = try #require(accepted.json["job_id"].string)
            let job = try await app.request(.get, "/api/jobs/\(jobID)")
            #expect(job.status == .ok, "\(job.text)")
            #expect(job.json["id"].string == jobID)
        }
    }

    @Test("an upper-case id in a path finds the row", arguments: Engine.available)
    func upperCasePath(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let created = try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","name":"Anna"}"#)
            let id = try #require(created.json["id"].string)
            let contact = try await app.request(.get, "/api/contacts/\(id.uppercased())")
            #expect(contact.status == .ok, "\(contact.text)")
            #expect(contact.json["name"].string == "Anna")
            let accepted = try await app.request(.post, "/api/contacts/import", body: "phone\n+4915112345601\n", contentType: "text/csv")
            let jobID = try #require(accepted.json["job_id"].string)
            #expect(try await app.request(.get, "/api/jobs/\(jobID.uppercased())").status == .ok)
            #expect(try await app.request(.get, "/api/jobs/\(jobID.uppercased())/errors").status == .ok)
        }
    }

    @Test("JSON answers write every id in lower case", arguments: Engine.available)
    func lowerCaseAnswers(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let created = try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","name":"Anna"}"#)
            let id = try #require(created.json["id"].string)
            let accepted = try await app.request(.post, "/api/contacts/import", body: "phone\n+4915112345601\n", contentType: "text/csv")
            try await app.runJobs()
            let answers = [
                created.text, accepted.text,
                try await app.request(.get, "/api/contacts").text,
                try await app.request(.get, "/api/contacts/\(id)").text,
                try await app.request(.get, accepted.json["status_url"].string ?? "/").text,
                try await app.request(.post, "/api/segments", json: #"{"name":"All","kind":"static","rules":{"combinator":"and","children":[]}}"#)
                    .text,
                try await app.request(.get, "/api/segments").text,
            ]
            for answer in answers {
                #expect(Self.upperCaseIDs(in: answer).isEmpty, "\(answer)")
            }
        }
    }

    @Test("a segment named by another in any case is seen as in use", arguments: Engine.available)
    func segmentReferenceCase(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let base = try await app.request(
                .post,
                "/api/segments",
                json: #"{"name":"Base","kind":"static","rules":{"combinator":"and","children":[]}}"#
            )
            let baseID = try #require(base.json["id"].string, "\(base.text)")
            for (name, id) in [("Lower", baseID.lowercased()), ("Upper", baseID.uppercased())] {
                let uses = try await app.request(
                    .post,
                    "/api/segments",
                    json: #"{"name":"\#(name)","kind":"dynamic","rules":{"field":"segment","operator":"in_segment","value":"\#(id)"}}"#
                )
                #expect(uses.status == .created, "\(uses.text)")
                expectError(try await app.request(.delete, "/api/segments/\(baseID)"), .conflict, code: "in_use")
                #expect(try await app.request(.delete, "/api/segments/\(uses.json["id"].string ?? "-")").status == .noContent)
            }
        }
    }
}
