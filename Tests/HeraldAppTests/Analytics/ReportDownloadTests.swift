import Foundation
import Hummingbird
import SQLKit
import Testing

@testable import HeraldApp

@Suite("Report downloads")
struct ReportDownloadTests {
    /// Collects a response body as the server would write it.
    final class Collected: @unchecked Sendable {
        var bytes: [UInt8] = []
        var finished = false
    }

    struct Writer: ResponseBodyWriter {
        let collected: Collected
        mutating func write(_ buffer: ByteBuffer) async throws { collected.bytes += buffer.readableBytesView }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws { collected.finished = true }
    }

    @Test("a report deleted while its file streams breaks the download instead of ending it as if complete", arguments: Engine.available)
    func deletedWhileStreaming(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ReportExportFixture.make(app)
            let job = try #require(UUID(uuidString: try await f.export(#"{"format":"csv","report":"campaign","campaign_id":"\#(f.id)"}"#)))
            try await f.runJobs()
            let download = ReportDownload(reports: ReportStore(database: app.database))

            let whole = Collected()
            let body = try await download.response(jobID: job, workspaceID: app.workspace.id).body
            try await body.write(Writer(collected: whole))
            #expect(whole.finished && !whole.bytes.isEmpty)

            // The response (status, Content-Length) is made; the job and its file go before the body is read.
            let cut = Collected()
            let later = try await download.response(jobID: job, workspaceID: app.workspace.id).body
            try await app.database.transaction { sql in try await sql.raw("DELETE FROM jobs WHERE id = \(bind: job)").run() }
            await #expect(throws: ReportDownload.FileGone.self) { try await later.write(Writer(collected: cut)) }
            #expect(!cut.finished, "the body is never finished, so the client sees a broken transfer")
        }
    }
}
