import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import HeraldApp

@Suite("Server-Sent Events")
struct ServerSentEventsTests {
    @Test("an event is its id, its name, one data line per line of data and a blank line")
    func eventFrame() {
        #expect(ServerSentEvents.event("results", id: "3-1", data: #"{"a":1}"#) == "id: 3-1\nevent: results\ndata: {\"a\":1}\n\n")
        #expect(ServerSentEvents.event(nil, id: nil, data: "one\ntwo\r\nthree\rfour") == "data: one\ndata: two\ndata: three\ndata: four\n\n")
        #expect(ServerSentEvents.event("a\nb", id: "1\r2", data: "") == "id: 12\nevent: ab\ndata: \n\n", "a line break in a field would end it early")
    }

    @Test("a comment and the reconnection delay are frames of their own")
    func commentAndRetry() {
        #expect(ServerSentEvents.comment("keep-alive") == ": keep-alive\n\n")
        #expect(ServerSentEvents.retry(.seconds(3)) == "retry: 3000\n\n")
    }

    @Test("the feed says when to reconnect, sends the document, and sends it again only when it changes")
    func changesOnly() async throws {
        let run = try await FeedRun.run(["A", "A", "B", "B", "C"], limit: 2)
        #expect(run.end == .limit)
        #expect(run.frames == ["retry: 3000\n\n", "id: 0-1\nevent: results\ndata: A\n\n", "id: 0-2\nevent: results\ndata: B\n\n"])
        #expect(run.reads == 3)
    }

    @Test("the event id is the document's generation and the event's number in this stream")
    func eventIDs() async throws {
        let run = try await FeedRun.run(["A", "B"], generations: [4, 5], limit: 2)
        #expect(run.frames.dropFirst().map { $0.split(separator: "\n")[0] } == ["id: 4-1", "id: 5-2"])
    }

    @Test("a final document is sent and ends the feed, also when it is the first")
    func finalDocument() async throws {
        let run = try await FeedRun.run(["A", "A", "B!"])
        #expect(run.end == .final)
        #expect(run.frames.count == 3)
        #expect(run.frames.last == "id: 0-2\nevent: results\ndata: B!\n\n")
        let first = try await FeedRun.run(["A!"])
        #expect(first.end == .final)
        #expect(first.frames == ["retry: 3000\n\n", "id: 0-1\nevent: results\ndata: A!\n\n"])
    }

    @Test("a document that only ages (a new as_of) is not a change")
    func agingIsNotAChange() async throws {
        let run = try await FeedRun.run(["A@1", "A@2", "A@3", "B@4"], limit: 2)
        #expect(run.frames.count == 3)
        #expect(run.frames.last == "id: 0-2\nevent: results\ndata: B@4\n\n")
    }

    @Test("the document is checked every 2 s, a keep-alive fills 15 s of silence, and the feed ends after 60 s")
    func timing() async throws {
        let run = try await FeedRun.run(["A"])
        #expect(run.end == .timeUp)
        #expect(run.reads == 31, "at 0, 2, …, 58 s and once more at 60 s")
        #expect(run.frames == ["retry: 3000\n\n", "id: 0-1\nevent: results\ndata: A\n\n"] + Array(repeating: ": keep-alive\n\n", count: 3))
        #expect(run.elapsed == .seconds(60))
    }

    @Test("a pause that is cut short (server shutdown) ends the feed at once")
    func stopped() async throws {
        let run = try await FeedRun.run(["A", "B"], stopAfterPauses: 0)
        #expect(run.end == .stopped)
        #expect(run.frames.count == 2)
        #expect(run.elapsed == .zero)
    }

    @Test("a write that fails (the client went away) ends the feed with that error")
    func clientGone() async throws {
        struct Gone: Error {}
        let clock = ManualClock()
        let writes = NIOLockedValueBox(0)
        await #expect(throws: Gone.self) {
            _ = try await LiveFeed(event: "results", timing: .init()).run(
                clock: clock,
                sleep: { try await clock.sleep(for: $0) },
                next: { LiveFeed.Snapshot(data: Data("A".utf8), generation: 0, isFinal: false) },
                write: { _ in
                    try writes.withLockedValue {
                        $0 += 1
                        if $0 == 3 { throw Gone() }
                    }
                }
            )
        }
        #expect(writes.withLockedValue { $0 } == 3, "retry, the document, then the first keep-alive fails")
    }
}

/// One run of a feed over scripted documents on a clock that jumps ahead when slept on. A document ending in `!` is
/// final; `@…` is an age that does not count as a change; the last document repeats.
struct FeedRun {
    var frames: [String]
    var reads: Int
    var end: LiveFeed.End
    var elapsed: Duration

    static func run(_ documents: [String], generations: [Int] = [], limit: Int? = nil, stopAfterPauses: Int? = nil) async throws -> FeedRun {
        let clock = ManualClock()
        let state = NIOLockedValueBox((frames: [String](), reads: 0, pauses: 0))
        let start = clock.now
        let end = try await LiveFeed(event: "results", timing: .init(), limit: limit).run(
            clock: clock,
            sleep: { duration in
                try state.withLockedValue {
                    if let stopAfterPauses, $0.pauses >= stopAfterPauses { throw CancellationError() }
                    $0.pauses += 1
                }
                try await clock.sleep(for: duration)
            },
            next: {
                let read = state.withLockedValue {
                    $0.reads += 1
                    return $0.reads - 1
                }
                let text = documents[min(read, documents.count - 1)]
                let generation = generations.isEmpty ? 0 : generations[min(read, generations.count - 1)]
                let unchanging = text.split(separator: "@")[0]
                return LiveFeed.Snapshot(data: Data(text.utf8), version: Data(unchanging.utf8), generation: generation, isFinal: text.hasSuffix("!"))
            },
            write: { frame in state.withLockedValue { $0.frames.append(frame) } }
        )
        return state.withLockedValue { FeedRun(frames: $0.frames, reads: $0.reads, end: end, elapsed: start.duration(to: clock.now)) }
    }
}

/// A clock whose sleep moves time forward at once, so a minute of feed runs in microseconds and always the same way.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    private let current = NIOLockedValueBox(Instant(offset: .zero))
    var now: Instant { current.withLockedValue { $0 } }
    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        current.withLockedValue { $0 = max($0, deadline) }
    }
}
