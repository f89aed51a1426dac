import Foundation
import HTTPTypes
import SQLKit
import Storage
import Testing

@testable import HeraldApp

/// A Berlin workspace with the recipients fixture's campaign (renamed "Primavera Zoë": six recipients, one named
/// "Zoë Quinn", one a formula) and a second campaign named "=SUM(A1)", each with one hand-filled rollup cell on
/// 10 May 2026 in DE.
struct ReportExportFixture {
    let app: TestApp
    let campaign: UUID
    let other: UUID

    /// 2026-05-10 12:00 UTC.
    static let bucket: Int64 = 1_778_414_400

    static func make(_ app: TestApp) async throws -> ReportExportFixture {
        let f = try await RecipientsAPITests.fixture(app)
        let other = UUID.timeOrdered()
        try await app.database.transaction { sql in
            let w = app.workspace.id
            let now = Date()
            try await sql.raw("UPDATE workspaces SET time_zone = 'Europe/Berlin', currency = 'USD' WHERE id = \(bind: w)").run()
            try await sql.raw("UPDATE campaigns SET name = 'Primavera Zoë' WHERE id = \(bind: f.campaign.id)").run()
            try await sql.raw(
                """
                INSERT INTO campaigns (id, workspace_id, name, status, created_at, updated_at)
                VALUES (\(bind: other), \(bind: w), '=SUM(A1)', 'completed', \(bind: now), \(bind: now))
                """
            ).run()
            // sent, delivered, read, clicked, clicks, replied, replies, failed, converted, orders
            try await cell(w, f.campaign.id, [1000, 950, 600, 200, 250, 50, 55, 50, 19, 20], cost: 23_750_000, revenue: 190_000, in: sql)
            try await cell(w, other, [400, 380, 100, 40, 41, 4, 4, 20, 2, 2], cost: 9_500_000, revenue: 10_000, in: sql)
            try await sql.raw(
                """
                INSERT INTO analytics_failures (workspace_id, campaign_id, variation_id, country, bucket, error_code, failed)
                VALUES (\(bind: w), \(bind: f.campaign.id), \(bind: CellKey.noVariation), 'DE', \(bind: bucket), 131026, 50)
                """
            ).run()
        }
        return ReportExportFixture(app: app, campaign: f.campaign.id, other: other)
    }

    static func cell(_ w: UUID, _ c: UUID, _ n: [Int64], cost: Int64, revenue: Int64, in sql: any SQLDatabase) async throws {
        let v = CellKey.noVariation
        try await sql.raw(
            """
            INSERT INTO analytics_cells (workspace_id, campaign_id, variation_id, country, bucket, sent, delivered, read, clicked, clicks, replied,
                replies, failed, converted, orders)
            VALUES (\(bind: w), \(bind: c), \(bind: v), 'DE', \(bind: bucket), \(bind: n[0]), \(bind: n[1]), \(bind: n[2]), \(bind: n[3]),
                \(bind: n[4]), \(bind: n[5]), \(bind: n[6]), \(bind: n[7]), \(bind: n[8]), \(bind: n[9]))
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO analytics_money (workspace_id, campaign_id, variation_id, country, bucket, currency, cost_micros, revenue_minor,
                refunded_orders, refunded_minor)
            VALUES (\(bind: w), \(bind: c), \(bind: v), 'DE', \(bind: bucket), 'USD', \(bind: cost), \(bind: revenue), 0, 0)
            """
        ).run()
    }

    var id: String { campaign.uuidString.lowercased() }
    var otherID: String { other.uuidString.lowercased() }

    /// Posts an export; returns the job id from a 202.
    func export(_ body: String) async throws -> String {
        let response = try await app.request(.post, "/api/analytics/reports/export", json: body)
        #expect(response.status == .accepted, "\(response.text)")
        let id = try #require(response.json["job"]["id"].string)
        #expect(response.json["download_url"].string == "/api/jobs/\(id)/download")
        #expect(response.json["job"]["status"].string == "queued")
        return id
    }

    /// Runs the queued report jobs as `herald serve`'s worker would.
    func runJobs() async throws {
        let worker = JobWorker(queue: app.services.jobs, handlers: [ReportJob(database: app.database)], logger: TestDatabase.logger)
        while let job = try await app.services.jobs.claim(owner: worker.owner, kinds: [ReportRequest.jobKind]) {
            await worker.execute(job, handler: worker.handlers[job.kind]!)
        }
    }

    func jobCount() async throws -> Int {
        try await app.database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM jobs WHERE kind = \(bind: ReportRequest.jobKind)").first()?.decode(column: "n", as: Int.self)
                ?? -1
        }
    }

    /// RFC 4180 records (quoted fields, doubled quotes, CRLF), failing on anything malformed.
    static func parseCSV(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var field = ""
        var record: [String] = []
        var quoted = false
        var afterQuote = false
        var characters = Array(text.unicodeScalars)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" {
                        characters.removeFirst()
                        field.unicodeScalars.append("\"")
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                try #require(field.isEmpty && !afterQuote, "a quote inside an unquoted field")
                quoted = true
            case ",":
                record.append(field)
                field = ""
                afterQuote = false
            case "\r":
                try #require(characters.popFirst() == "\n", "CR without LF")
                record.append(field)
                records.append(record)
                field = ""
                record = []
                afterQuote = false
            default:
                try #require(!afterQuote, "text after a closing quote")
                field.unicodeScalars.append(c)
            }
        }
        try #require(!quoted && field.isEmpty && record.isEmpty, "the last record does not end with CRLF")
        return records
    }
}
