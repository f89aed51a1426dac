import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldApp

@Suite("CSV import and export")
struct ImportTests {
    @Test("an import stores the good rows and reports each bad one", arguments: Engine.available)
    func goodAndBad(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await app.request(.post, "/api/custom-fields", json: #"{"key":"tier","type":"text"}"#)
            let csv = """
                Phone,Full Name,E-mail,Tags,Consent,tier,Unused
                +4915112345601,Anna,anna@example.com,vip|newsletter,yes,gold,x
                not-a-number,Bad Phone,,,,,
                0151 12345602,"Doe, Jane",jane@example.com,,no,silver,
                +4915112345603,Bad Mail,not-an-email,,,,
                +4915112345601,Anna Again,,,,,

                """
            let accepted = try await app.request(.post, "/api/contacts/import", body: csv, contentType: "text/csv")
            #expect(accepted.status == .accepted, "\(accepted.text)")
            let statusURL = try #require(accepted.json["status_url"].string)
            #expect(accepted.headers[.location] == statusURL)
            try await app.runJobs()
            let job = try await app.request(.get, statusURL).json
            #expect(job["status"].string == "completed", "\(job)")
            #expect(job["progress"]["percent"].number == 100)
            #expect(job["result"]["rows"].number == 5)
            #expect(job["result"]["created"].number == 2)
            #expect(job["result"]["updated"].number == 1, "the repeated phone updates the first row")
            #expect(job["result"]["failed"].number == 2)
            #expect(job["result"]["ignored_columns"].array.compactMap(\.string) == ["Unused"])
            let errors = try await app.request(.get, job["errors_url"].string!).json["data"].array
            #expect(errors.map { $0["row"].number } == [3, 5])
            #expect(errors.map { $0["field"].string } == ["phone", "email"])
            let csvReport = try await app.request(.get, job["errors_url"].string! + "?format=csv").text
            #expect(csvReport.contains("not-a-number"))
            let anna = try await app.request(.get, "/api/contacts?q=%2B4915112345601").json["data"][0]
            #expect(anna["name"].string == "Anna Again")
            #expect(anna["tags"].array.compactMap(\.string) == ["vip", "newsletter"])
            #expect(anna["attributes"]["tier"].string == "gold")
            #expect(anna["consent"]["status"].string == "opted_in")
            let jane = try await app.request(.get, "/api/contacts?q=Doe").json["data"][0]
            #expect(jane["phone"].string == "+4915112345602")
            #expect(jane["consent"]["status"].string == "opted_out")
        }
    }

    @Test("a column mapping names the phone column; a file without one is refused and nothing is kept", arguments: Engine.available)
    func mapping(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let csv = "Handy,Who\n+447911123456,Mapped Person\n"
            expectError(try await app.request(.post, "/api/contacts/import", body: csv, contentType: "text/csv"), .unprocessableContent, code: "missing_phone_column")
            let mapping = #"{"Handy":"phone","Who":"name"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            expectError(try await app.request(.post, "/api/contacts/import?mapping=%7Bbad", body: csv, contentType: "text/csv"), .badRequest, field: "mapping")
            expectError(try await app.request(.post, "/api/contacts/import", json: #"{"a":1}"#), .unsupportedMediaType)
            expectError(try await app.request(.post, "/api/contacts/import", body: "", contentType: "text/csv"), .unprocessableContent, code: "empty_file")
            let jobs = try await app.database.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM jobs").first()!.decode(column: "n", as: Int.self) }
            #expect(jobs == 0, "refused uploads leave no job behind")
            let accepted = try await app.request(.post, "/api/contacts/import?mapping=\(mapping)", body: csv, contentType: "text/csv")
            #expect(accepted.status == .accepted, "\(accepted.text)")
            try await app.runJobs()
            #expect(try await app.request(.get, "/api/contacts?q=Mapped").json["data"][0]["phone"].string == "+447911123456")
        }
    }

    @Test("a row with an oversized field is reported, and the rows after it are imported", arguments: Engine.available)
    func oversizedField(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let csv = "phone,name\n+4915112345601,Anna\n+4915112345602,\(String(repeating: "x", count: 100_000))\n+4915112345603,Cleo\n"
            let accepted = try await app.request(.post, "/api/contacts/import", body: csv, contentType: "text/csv")
            try await app.runJobs()
            let job = try await app.request(.get, accepted.json["status_url"].string!).json
            #expect(job["status"].string == "completed", "\(job)")
            #expect(job["result"]["created"].number == 2, "\(job)")
            #expect(job["result"]["failed"].number == 1, "\(job)")
            let errors = try await app.request(.get, job["errors_url"].string!).json["data"].array
            #expect(errors.map { $0["row"].number } == [3])
            #expect(errors.first?["code"].string == "field_too_long", "\(errors)")
            #expect(errors.first?["message"].string?.contains("64 KiB") == true, "\(errors)")
        }
    }

    @Test("an unclosed quote fails the import with a message naming its row", arguments: Engine.available)
    func unclosedQuote(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let csv = "phone,name\n+4915112345601,Anna\n+4915112345602,\"Doe, Jane\n" + String(repeating: "+4915112345699,Someone\n", count: 5_000)
            let accepted = try await app.request(.post, "/api/contacts/import", body: csv, contentType: "text/csv")
            try await app.runJobs()
            let job = try await app.request(.get, accepted.json["status_url"].string!).json
            #expect(job["status"].string == "failed", "\(job)")
            #expect(job["error"].string?.contains("row 3") == true, "\(job)")
            #expect(job["error"].string?.contains("quote") == true, "\(job)")
            #expect(try await app.request(.get, "/api/contacts?q=Anna").json["data"].array.count == 1, "rows before it are imported")
        }
    }

    @Test("a header row over the limits is refused at upload, and nothing is kept", arguments: Engine.available)
    func oversizedHeader(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let long = "phone,\(String(repeating: "x", count: 70_000))\n+4915112345601,Anna\n"
            let longAnswer = try await app.request(.post, "/api/contacts/import", body: long, contentType: "text/csv")
            expectError(longAnswer, .unprocessableContent, code: "record_too_long")
            let wide = "phone," + (1...1_200).map { "c\($0)" }.joined(separator: ",") + "\n+4915112345601\n"
            let wideAnswer = try await app.request(.post, "/api/contacts/import", body: wide, contentType: "text/csv")
            expectError(wideAnswer, .unprocessableContent, code: "too_many_columns")
            let jobs = try await app.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM jobs").first()!.decode(column: "n", as: Int.self)
            }
            #expect(jobs == 0)
        }
    }

    @Test("an import spanning many upload pieces and batches completes", arguments: Engine.available)
    func large(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            var csv = "phone,name,city\n"
            for i in 0..<30_000 { csv += "+4915\(String(format: "%08d", i)),Person \(i),\"Berlin, Mitte\"\n" }
            #expect(csv.utf8.count > ContactImport.chunkSize, "the file must span more than one stored piece")
            let accepted = try await app.request(.post, "/api/contacts/import", body: csv, contentType: "text/csv")
            try await app.runJobs()
            let job = try await app.request(.get, accepted.json["status_url"].string!).json
            #expect(job["result"]["created"].number == 30_000, "\(job)")
            #expect(job["rows"]["succeeded"].number == 30_000)
            let pieces = try await app.database.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM job_files").first()!.decode(column: "n", as: Int.self) }
            #expect(pieces == 0, "the stored upload is removed once imported")
        }
    }

    @Test("export writes every contact as CSV that imports again", arguments: Engine.available)
    func export(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","name":"Comma, Person","tags":["a","b"]}"#)
            _ = try await app.request(.post, "/api/contacts", json: #"{"phone":"+447911123456","name":"=cmd()"}"#)
            let response = try await app.request(.get, "/api/contacts/export")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = response.text.split(separator: "\r\n")
            #expect(lines.count == 3)
            #expect(lines[0].hasPrefix("phone,name,email"))
            #expect(response.text.contains("\"Comma, Person\""))
            #expect(response.text.contains("'=cmd()"), "formula-looking cells are neutralised")
            #expect(response.text.contains("a|b"))
        }
    }

    @Test("an import reads BSUID, parent and username columns, takes rows with only a BSUID and merges rows by BSUID", arguments: Engine.available)
    func bsuidColumns(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let csv = """
                Phone,User ID,Parent User ID,WhatsApp Username,Name
                +4915112345601,DE.1,,@Anna,Anna
                ,US.13491208655302741918,US.ENT.1,jess,Jess
                ,US.13491208655302741918,,,Jess Again
                ,,,nobody,No Identity
                ,US-1,,,Bad BSUID

                """
            let accepted = try await app.request(.post, "/api/contacts/import", body: csv, contentType: "text/csv")
            #expect(accepted.status == .accepted, "\(accepted.text)")
            try await app.runJobs()
            let job = try await app.request(.get, try #require(accepted.json["status_url"].string)).json
            #expect(job["status"].string == "completed", "\(job)")
            #expect(job["result"]["created"].number == 2, "\(job)")
            #expect(job["result"]["updated"].number == 1, "the repeated BSUID updates the earlier row")
            #expect(job["result"]["failed"].number == 2, "\(job)")
            #expect(job["result"]["ignored_columns"].array.isEmpty)
            let errors = try await app.request(.get, try #require(job["errors_url"].string)).json["data"].array
            #expect(errors.map { $0["row"].number } == [5, 6])
            #expect(errors.map { $0["field"].string } == ["phone", "bsuid"])
            let jess = try await app.request(.get, "/api/contacts?q=US.13491208655302741918").json["data"][0]
            #expect(jess["name"].string == "Jess Again")
            #expect(jess["phone"] == .null)
            #expect(jess["parent_bsuid"].string == "US.ENT.1")
            #expect(jess["username"].string == "jess")
            let anna = try await app.request(.get, "/api/contacts?q=%40anna").json["data"][0]
            #expect(anna["bsuid"].string == "DE.1")
            // A file whose only identifier column holds BSUIDs is accepted.
            let bsuidOnly = try await app.request(.post, "/api/contacts/import", body: "bsuid,name\nGB.77,Gail\n", contentType: "text/csv")
            #expect(bsuidOnly.status == .accepted, "\(bsuidOnly.text)")
            expectError(
                try await app.request(.post, "/api/contacts/import", body: "username,name\njess,Jess\n", contentType: "text/csv"), .unprocessableContent,
                code: "missing_phone_column"
            )
        }
    }

    @Test("export appends bsuid, parent_bsuid and username after the existing columns", arguments: Engine.available)
    func exportIdentities(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","name":"Anna"}"#)
            _ = try await app.request(.post, "/api/contacts", json: #"{"bsuid":"US.1","parent_bsuid":"US.ENT.1","username":"jess","name":"Jess"}"#)
            let lines = try await app.request(.get, "/api/contacts/export").text.split(separator: "\r\n")
            try #require(lines.count == 3)
            #expect(lines[0] == "phone,name,email,country,language,city,tags,consent_status,consent_source,consent_at,attributes,created_at,updated_at,bsuid,parent_bsuid,username")
            #expect(lines[1].hasPrefix("+4915112345678,Anna,") && lines[1].hasSuffix(",,,"), "\(lines[1])")
            #expect(lines[2].hasPrefix(",Jess,") && lines[2].hasSuffix(",US.1,US.ENT.1,jess"), "\(lines[2])")
            // The export imports again, phone-less rows included.
            let again = try await app.request(.post, "/api/contacts/import", body: lines.joined(separator: "\n") + "\n", contentType: "text/csv")
            try await app.runJobs()
            let job = try await app.request(.get, try #require(again.json["status_url"].string)).json
            #expect(job["result"]["updated"].number == 2, "\(job)")
        }
    }
}
