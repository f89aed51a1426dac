import Foundation
import HTTPTypes
import SQLKit
import Testing

@testable import HeraldApp

@Suite("Report exports API")
struct ReportExportAPITests {
    static let may = #""filters":{"from":"2026-05-01","to":"2026-05-31","country":"de"}"#

    func bodies(_ f: ReportExportFixture) -> [(kind: String, body: String)] {
        [
            ("overview", #"{"report":"overview",\#(Self.may)}"#),
            ("campaign", #"{"report":"campaign","campaign_id":"\#(f.id)"}"#),
            ("compare", #"{"report":"compare","campaign_ids":["\#(f.id)","\#(f.otherID)"],\#(Self.may)}"#),
        ]
    }

    func with(format: String, _ body: String) -> String { #"{"format":"\#(format)","# + body.dropFirst() }

    @Test("every report kind exports as PDF and CSV through a job, and downloads once it has completed", arguments: Engine.available)
    func exports(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ReportExportFixture.make(app)
            for (kind, body) in bodies(f) {
                for format in ["pdf", "csv"] {
                    let job = try await f.export(with(format: format, body))
                    expectError(try await app.request(.get, "/api/jobs/\(job)/download"), .conflict, code: "not_ready")
                    try await f.runJobs()
                    let status = try await app.request(.get, "/api/jobs/\(job)")
                    #expect(status.json["status"].string == "completed", "\(kind) \(format): \(status.text)")
                    #expect(status.json["kind"].string == "analytics.report")
                    #expect(status.json["progress"]["percent"].number == 100)
                    #expect((status.json["progress"]["total"].number ?? 0) >= 3, "a step per section read, plus rendering")
                    let result = status.json["result"]
                    let download = try await app.request(.get, "/api/jobs/\(job)/download")
                    #expect(download.status == .ok, "\(download.text.prefix(300))")
                    #expect(result["bytes"].number == Double(download.body.readableBytes))
                    #expect(download.headers[.contentType] == result["content_type"].string)
                    #expect(download.headers[.contentLength] == String(download.body.readableBytes))
                    let filename = try #require(result["filename"].string)
                    #expect(filename.hasSuffix("." + format) && filename.contains(kind == "compare" ? "comparison" : kind), "\(filename)")
                    #expect(download.headers[.contentDisposition]?.hasPrefix("attachment; filename=") == true)
                    if format == "pdf" {
                        #expect(download.headers[.contentType] == "application/pdf")
                        #expect(download.text.hasPrefix("%PDF-"))
                    } else {
                        #expect(download.headers[.contentType] == "text/csv; charset=utf-8")
                        let records = try ReportExportFixture.parseCSV(download.text)
                        #expect(records.first == ["section", "campaign", "variation", "metric", "value", "base", "currency"])
                        #expect(records.allSatisfy { $0.count == 7 })
                        try checkCSV(kind, records)
                    }
                }
            }
        }
    }

    /// The CSV holds the endpoints' numbers; formula-like text comes back neutralised.
    func checkCSV(_ kind: String, _ records: [[String]]) throws {
        func value(_ section: String, _ metric: String, campaign: String = "") -> String? {
            records.first { $0[0] == section && $0[3] == metric && (campaign.isEmpty || $0[1] == campaign) }?[4]
        }
        for record in records {
            for field in record { #expect(!(field.first.map { "=+@".contains($0) } ?? false), "\(record)") }
        }
        switch kind {
        case "overview":
            #expect(value("Key metrics", "Sent") == "1400")
            #expect(value("Key metrics", "Delivery rate") == "0.95")
            #expect(value("Key metrics", "Cost") == "33.2500")
            #expect(records.contains { $0[0] == "Top campaigns by click rate" && $0[1] == "Primavera Zoë" && $0[3] == "Click rate" })
            #expect(records.contains { $0[1] == "'=SUM(A1)" }, "a campaign named like a formula is written with an apostrophe")
        case "campaign":
            #expect(value("Key metrics", "Sent", campaign: "Primavera Zoë") == "1000")
            #expect(value("Key metrics", "Read rate") == "0.631579")
            #expect(records.first { $0[0] == "Key metrics" && $0[3] == "Read rate" }?[5] == "of 950 delivered")
            #expect(value("Key metrics", "Revenue") == "1900.00")
            #expect(value("Key metrics", "ROI") == "79")
            #expect(value("Failures by error code: 131026", "Failed") == "50")
            #expect(value("Funnel", "Converted") == "19")
            let zoe = try #require(records.first { $0[0].hasPrefix("Recipients: Zoë Quinn") && $0[3] == "Step" })
            #expect(zoe[4] == "clicked")
            #expect(records.contains { $0[0].hasPrefix("Recipients: =HYPERLINK(") }, "the formula name is never a cell's start")
        default:
            #expect(value("Comparison (★ best)", "sent", campaign: "Primavera Zoë") == "1000")
            #expect(value("Comparison (★ best)", "click_rate", campaign: "'=SUM(A1)") == "0.105263")
            let best = try #require(records.first { $0[0] == "Comparison (★ best)" && $0[3] == "click_rate" && $0[1] == "" })
            #expect(best[4] == "Primavera Zoë", "the Best column names the campaign with the best click rate")
        }
    }

    @Test("a bad export is a 422 naming the field, and nothing is queued", arguments: Engine.available)
    func validation(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ReportExportFixture.make(app)
            let unknown = UUID().uuidString.lowercased()
            let cases: [(String, String, String)] = [
                (#"{"report":"overview"}"#, "format", "required"),
                (#"{"format":"xlsx","report":"overview"}"#, "format", "invalid_field"),
                (#"{"format":"pdf","report":"funnel"}"#, "report", "unknown_report"),
                (#"{"format":"pdf","report":"campaign"}"#, "campaign_id", "required"),
                (#"{"format":"pdf","report":"campaign","campaign_id":"\#(unknown)"}"#, "campaign_id", "unknown_campaign"),
                (#"{"format":"csv","report":"compare","campaign_ids":["\#(f.id)"]}"#, "campaign_ids", "too_few_campaigns"),
                (
                    #"{"format":"csv","report":"compare","campaign_ids":[\#((0..<11).map { _ in "\"\(UUID())\"" }.joined(separator: ","))]}"#,
                    "campaign_ids", "too_many_campaigns"
                ),
                (#"{"format":"csv","report":"compare","campaign_ids":["\#(f.id)","\#(unknown)"]}"#, "campaign_ids[1]", "unknown_campaign"),
                (#"{"format":"csv","report":"compare"}"#, "campaign_ids", "required"),
                (#"{"format":"csv","report":"overview","filters":{"from":"2026-13-01"}}"#, "filters.from", "invalid_field"),
                (#"{"format":"csv","report":"overview","filters":{"from":"2026-05-02","to":"2026-05-01"}}"#, "filters.to", "invalid_field"),
                (#"{"format":"csv","report":"overview","filters":{"country":"Brazil"}}"#, "filters.country", "invalid_field"),
                (#"{"format":"csv","report":"overview","filters":{"granularity":"week"}}"#, "filters.granularity", "invalid_field"),
                (#"{"format":"csv","report":"overview","filters":{"segment_id":"\#(unknown)"}}"#, "filters.segment_id", "unknown_segment"),
                (#"{"format":"csv","report":"overview","filters":{"campaign_id":["\#(unknown)"]}}"#, "filters.campaign_id", "unknown_campaign"),
                (#"{"format":"csv","report":"overview","filters":{"colour":"red"}}"#, "filters.colour", "unknown_field"),
                (#"{"format":"csv","report":"overview","top_by":"opens"}"#, "top_by", "invalid_field"),
            ]
            for (body, field, code) in cases {
                expectError(
                    try await app.request(.post, "/api/analytics/reports/export", json: body),
                    .unprocessableContent,
                    code: code,
                    field: field
                )
            }
            expectError(try await app.request(.post, "/api/analytics/reports/export", json: "[1]"), .badRequest, code: "invalid_body")
            #expect(try await f.jobCount() == 0)
        }
    }

    @Test("downloads: another workspace's job is a 404, a failed report says why, and a non-ASCII name gets filename*", arguments: Engine.available)
    func downloads(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ReportExportFixture.make(app)
            let job = try await f.export(#"{"format":"pdf","report":"campaign","campaign_id":"\#(f.id)"}"#)
            let (_, otherKey) = try await app.services.workspaces.create(name: "Other", defaultCountry: "DE")
            expectError(try await app.request(.get, "/api/jobs/\(job)/download", key: otherKey), .notFound)
            expectError(try await app.request(.get, "/api/jobs/\(UUID())/download"), .notFound)
            try await f.runJobs()
            expectError(try await app.request(.get, "/api/jobs/\(job)/download", key: otherKey), .notFound)
            let download = try await app.request(.get, "/api/jobs/\(job)/download")
            #expect(
                download.headers[.contentDisposition]
                    == #"attachment; filename="campaign-report-primavera-zo_.pdf"; filename*=UTF-8''campaign-report-primavera-zo%C3%AB.pdf"#
            )

            let gone = try await f.export(#"{"format":"csv","report":"campaign","campaign_id":"\#(f.otherID)"}"#)
            try await app.database.transaction { sql in try await sql.raw("DELETE FROM campaigns WHERE id = \(bind: f.other)").run() }
            try await f.runJobs()
            expectError(try await app.request(.get, "/api/jobs/\(gone)/download"), .conflict, code: "job_failed")
            #expect(try await app.request(.get, "/api/jobs/\(gone)").json["error"].string == "the campaign was deleted")
        }
    }

    @Test("the report names its filters in words, in the workspace's zone")
    func filterLine() async throws {
        try await TestApp.with(.sqlite) { app in
            let f = try await ReportExportFixture.make(app)
            let builder = ReportJob(database: app.database).builder
            let body = #"{"format":"pdf","report":"campaign","campaign_id":"\#(f.id)",\#(Self.may)}"#
            let request = try ReportRequest(body: try JSONValue.parse(Data(body.utf8)), now: Date())
            let (document, _) = try await builder.build(request, workspaceID: app.workspace.id) { _, _ in }
            #expect(document.title == "Campaign report: Primavera Zoë")
            #expect(document.filters == "1 May 2026 – 31 May 2026 · Country: DE · Time zone: Europe/Berlin")
            let allTime = try ReportRequest(body: try JSONValue.parse(Data(#"{"format":"pdf","report":"overview"}"#.utf8)), now: Date())
            #expect(try await builder.build(allTime, workspaceID: app.workspace.id) { _, _ in }.0.title == "Analytics overview")

            let compareBody = #"{"format":"pdf","report":"compare","campaign_ids":["\#(f.id)","\#(f.otherID)"]}"#
            let compare = try ReportRequest(body: try JSONValue.parse(Data(compareBody.utf8)), now: Date())
            let (comparison, _) = try await builder.build(compare, workspaceID: app.workspace.id) { _, _ in }
            #expect(comparison.title == "Campaign comparison: Primavera Zoë vs =SUM(A1)")
            #expect(comparison.filters == "All time · Time zone: Europe/Berlin")
            guard case .table(let table)? = comparison.sections.first else {
                Issue.record("the comparison table comes first")
                return
            }
            let clickRate = try #require(table.rows.first { $0.first?.value == "click_rate" })
            #expect(clickRate.map(\.display) == ["Click rate", "21.1 % ★", "10.5 %", "Primavera Zoë"])
            #expect(clickRate[1].base == "of 950 delivered")
        }
    }

    @Test("old report jobs are deleted with their files when the workspace exports again", arguments: Engine.available)
    func retention(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ReportExportFixture.make(app)
            let old = try await f.export(#"{"format":"csv","report":"campaign","campaign_id":"\#(f.id)"}"#)
            try await f.runJobs()
            let eightDays = Date().addingTimeInterval(-8 * 86_400)
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE jobs SET finished_at = \(bind: eightDays) WHERE id = \(bind: UUID(uuidString: old)!)").run()
            }
            _ = try await f.export(#"{"format":"csv","report":"campaign","campaign_id":"\#(f.id)"}"#)
            expectError(try await app.request(.get, "/api/jobs/\(old)/download"), .notFound)
            let pieces = try await app.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM job_files WHERE job_id = \(bind: UUID(uuidString: old)!)").first()?.decode(
                    column: "n",
                    as: Int.self
                )
            }
            #expect(pieces == 0)
        }
    }
}
