import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle

/// `GET /api/ab-tests/{id}/results/events`: live results as Server-Sent Events (design section 7). The monitoring page
/// opens it with `EventSource` and rewrites its table from each `results` event; the browser reconnects by itself
/// after the stream ends (60 s, the test over, `?limit=N` events, or the server shutting down).
extension ABTestController {
    /// The feed's pace: the design's numbers, shortened by tests.
    @TaskLocal static var liveTiming = LiveFeed.Timing()

    func addEventRoutes(to group: RouterGroup<AuthenticatedContext>) {
        let cache = ABTestResultsCache()
        group.get("ab-tests/{id}/results/events") { request, context in
            try await liveResults(request, context: context, cache: cache)
        }
    }

    func liveResults(_ request: Request, context: AuthenticatedContext, cache: ABTestResultsCache) async throws -> Response {
        let limit = request.uri.queryParameters["limit"] == nil ? nil : try request.limit(max: 1000)
        let test = try await test(context)
        let (workspaceID, testID, store, reader) = (test.workspaceID, test.id, store, results)
        let load: @Sendable () async throws -> ABTestResults = {
            guard let test = try await store.find(workspaceID: workspaceID, id: testID) else { throw APIError.notFound("the A/B test") }
            return try await reader.results(for: test)
        }
        // The first reading comes before the answer starts, while a failure can still be a JSON error; the stream's
        // first event then finds it in the cache.
        _ = try await cache.results(for: testID, load: load)
        let feed = LiveFeed(event: "results", timing: Self.liveTiming, limit: limit)
        let logger = context.logger
        let body = ResponseBody { writer in
            do {
                let end = try await feed.run(
                    clock: ContinuousClock(),
                    // Graceful shutdown waits for open answers: a pause ends when it begins, and so does the stream.
                    sleep: { pause in try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) } },
                    next: { try Self.snapshot(try await cache.results(for: testID, load: load)) },
                    write: { frame in
                        do { try await writer.write(ByteBuffer(string: frame)) } catch { throw ViewerGone(error: error) }
                    }
                )
                logger.debug("live results ended", metadata: ["reason": "\(end.rawValue)", "ab_test_id": "\(testID)"])
                try await writer.finish(nil)
            } catch let gone as ViewerGone {
                logger.debug("live results ended", metadata: ["reason": "client_gone", "ab_test_id": "\(testID)", "error": "\(gone.error)"])
            } catch {
                logger.error("live results failed", metadata: ["ab_test_id": "\(testID)", "error": "\(String(reflecting: type(of: error)))"])
                try? await writer.finish(nil)
            }
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store", Self.accelBuffering: "no"],
            body: body
        )
    }

    /// Tells nginx not to hold the stream back in its buffer.
    private static let accelBuffering = HTTPField.Name("X-Accel-Buffering")!

    /// The results as one line of JSON; a change is any change but the time they were read, and a completed or
    /// cancelled test's results are the last.
    static func snapshot(_ results: ABTestResults) throws -> LiveFeed.Snapshot {
        var unchanging = results
        unchanging.asOf = Date(timeIntervalSince1970: 0)
        unchanging.timeLeftSeconds = nil
        return LiveFeed.Snapshot(
            data: try JSONResponse.data(results),
            version: try JSONResponse.data(unchanging),
            generation: results.looks,
            isFinal: results.status == .completed || results.status == .cancelled
        )
    }
}

/// A write to the viewer's connection failed: the tab was closed or the network went away.
private struct ViewerGone: Error {
    let error: any Error
}
