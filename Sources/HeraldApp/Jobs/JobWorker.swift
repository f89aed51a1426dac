import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Storage

/// What a job handler may use while it runs.
struct JobRun: Sendable {
    let job: ClaimedJob
    let owner: String
    let queue: JobQueue
    let logger: Logger

    /// Saves progress; throws when another worker has taken the job over, so this one stops.
    func progress(done: Int64, total: Int64, processed: Int64, succeeded: Int64, failed: Int64) async throws {
        let kept = try await queue.progress(job, owner: owner, done: done, total: total, processed: processed, succeeded: succeeded, failed: failed)
        if !kept { throw CancellationError() }
    }
}

/// A kind of background work; returns a JSON result document.
protocol JobHandler: Sendable {
    var kind: String { get }
    func run(_ run: JobRun) async throws -> String?
}

/// Claims and runs queued jobs until shutdown. One per process; on PostgreSQL several processes
/// share the queue safely, and a job whose worker died is taken up again when its lease ends.
struct JobWorker: Service {
    let queue: JobQueue
    let handlers: [String: any JobHandler]
    let logger: Logger
    let owner = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
    let idleDelay: Duration

    init(queue: JobQueue, handlers: [any JobHandler], logger: Logger, idleDelay: Duration = .milliseconds(250)) {
        self.queue = queue
        self.handlers = Dictionary(uniqueKeysWithValues: handlers.map { ($0.kind, $0) })
        self.logger = logger
        self.idleDelay = idleDelay
    }

    func run() async throws {
        let depth = Gauge(label: "herald_job_queue_depth")
        var lastDepthCheck = ContinuousClock.now - .seconds(60)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if ContinuousClock.now - lastDepthCheck > .seconds(5) {
                lastDepthCheck = .now
                if let count = try? await queue.depth() { depth.record(count) }
            }
            let job: ClaimedJob?
            do {
                job = try await queue.claim(owner: owner, kinds: Array(handlers.keys))
            } catch {
                logger.error("could not claim a job", metadata: ["error": "\(String(reflecting: error))"])
                job = nil
            }
            guard let job, let handler = handlers[job.kind] else {
                try? await Task.sleep(for: idleDelay)
                continue
            }
            await execute(job, handler: handler)
        }
    }

    func execute(_ job: ClaimedJob, handler: any JobHandler) async {
        var logger = self.logger
        logger[metadataKey: "job_id"] = .string(job.id.uuidString.lowercased())
        logger[metadataKey: "workspace_id"] = .string(job.workspaceID.uuidString.lowercased())
        logger.info("job started", metadata: ["kind": .string(job.kind), "attempt": "\(job.attempts)"])
        do {
            let result = try await handler.run(JobRun(job: job, owner: owner, queue: queue, logger: logger))
            try await queue.finish(job, owner: owner, result: result, error: nil)
            logger.info("job completed")
        } catch is CancellationError {
            logger.notice("job stopped; it will be resumed by a worker when its lease ends")
        } catch let error as APIError {
            try? await queue.finish(job, owner: owner, result: nil, error: error.message)
            logger.warning("job failed", metadata: ["error": .string(error.message)])
        } catch {
            try? await queue.finish(job, owner: owner, result: nil, error: "internal error; see the server log for job \(job.id.uuidString.lowercased())")
            logger.error("job failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
