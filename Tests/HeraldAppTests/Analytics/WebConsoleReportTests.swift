import Foundation
import HTTPTypes
import Testing

@testable import HeraldApp

@Suite("Web console: report exports")
struct WebConsoleReportTests {
    @Test("the export page shows progress until the job completes, then a download link a session can follow", arguments: Engine.available)
    func page(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ReportExportFixture.make(app)
            let job = try await f.export(#"{"format":"pdf","report":"campaign","campaign_id":"\#(f.id)"}"#)
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            let waiting = try await WebConsoleSegmentsTests.page(app, "/analytics/reports/\(job)", cookie: cookie)
            #expect(waiting.contains(#"id="report-progress""#) && waiting.contains("Preparing the report"))
            #expect(!waiting.contains("report-download"))
            try await f.runJobs()
            let ready = try await WebConsoleSegmentsTests.page(app, "/analytics/reports/\(job)", cookie: cookie)
            #expect(ready.contains(#"href="/analytics/reports/\#(job)/download""#), "\(ready)")
            #expect(ready.contains("Download campaign-report-primavera-zoë.pdf"))
            #expect(!ready.contains("report-progress"))
            let download = try await app.request(.get, "/analytics/reports/\(job)/download", key: "", headers: [.cookie: cookie])
            #expect(download.status == .ok)
            #expect(download.text.hasPrefix("%PDF-"))
            #expect(download.headers[.contentDisposition]?.contains("filename*=UTF-8''campaign-report-primavera-zo%C3%AB.pdf") == true)

            let signedOut = try await app.request(.get, "/analytics/reports/\(job)", key: "")
            #expect(signedOut.status == .seeOther && signedOut.headers[.location] == "/login")
            #expect(try await app.request(.get, "/analytics/reports/\(UUID())", key: "", headers: [.cookie: cookie]).status == .notFound)
        }
    }
}
