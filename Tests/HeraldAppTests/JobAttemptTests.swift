import Foundation
import Storage
import Testing

@testable import HeraldApp

@Suite("Job attempts")
struct JobAttemptTests {
    /// A queue whose leases have already run out when granted, so every claim looks like a crashed worker to the next
    /// one, holding one job of `kind`.
    func crashingQueue(_ app: TestApp, maxAttempts: Int, kind: String) async throws -> (JobQueue, UUID) {
        let id = UUID()
        try await app.database.transaction { sql in
            try await JobQueue.enqueue(sql, dialect: app.database.dialect, id: id, workspaceID: app.workspace.id, kind: kind, payload: "{}")
        }
        return (JobQueue(database: app.database, leaseSeconds: -1, maxAttempts: maxAttempts), id)
    }

    @Test("a job whose worker keeps dying is failed after its last attempt, with a message", arguments: Engine.available)
    func crashingJobFails(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let (queue, id) = try await crashingQueue(app, maxAttempts: 3, kind: "test.crash")
            for attempt in 1...3 {
                let job = try await queue.claim(owner: "worker-\(attempt)", kinds: ["test.crash"])
                #expect(job?.id == id, "attempt \(attempt) claims the job")
                #expect(job?.attempts == attempt)
            }
            #expect(try await queue.claim(owner: "worker-4", kinds: ["test.crash"]) == nil, "no fourth attempt")
            let job = try await app.request(.get, "/api/jobs/\(id.uuidString.lowercased())").json
            #expect(job["status"].string == "failed", "\(job)")
            #expect(job["error"].string?.contains("3 attempts") == true, "\(job)")
        }
    }

    @Test("a job finished within its attempts is not failed by the limit", arguments: Engine.available)
    func retriedJobCompletes(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let (expired, id) = try await crashingQueue(app, maxAttempts: 2, kind: "test.retry")
            _ = try await expired.claim(owner: "crashed", kinds: ["test.retry"])
            let job = try #require(try await expired.claim(owner: "survivor", kinds: ["test.retry"]))
            #expect(job.attempts == 2)
            try await expired.finish(job, owner: "survivor", result: "{}", error: nil)
            #expect(try await app.request(.get, "/api/jobs/\(id.uuidString.lowercased())").json["status"].string == "completed")
        }
    }
}
