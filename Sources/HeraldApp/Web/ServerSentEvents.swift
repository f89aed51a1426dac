import Foundation

/// Frames of the `text/event-stream` format (WHATWG HTML, "Server-sent events"): what a browser's `EventSource` reads.
enum ServerSentEvents {
    /// `id:`, `event:`, one `data:` line per line of `data`, and the blank line that dispatches the event. A line
    /// break inside the id or name would end the field early, so those lose theirs.
    static func event(_ name: String?, id: String?, data: String) -> String {
        var frame = ""
        if let id { frame += "id: \(singleLine(id))\n" }
        if let name { frame += "event: \(singleLine(name))\n" }
        for line in lines(data) { frame += "data: \(line)\n" }
        return frame + "\n"
    }

    /// A line the browser ignores; it keeps proxies and load balancers from closing an idle stream.
    static func comment(_ text: String) -> String {
        lines(text).map { ": \($0)\n" }.joined() + "\n"
    }

    /// How long the browser waits before it reconnects after the stream ends.
    static func retry(_ delay: Duration) -> String {
        let (seconds, attoseconds) = delay.components
        return "retry: \(seconds * 1000 + attoseconds / 1_000_000_000_000_000)\n\n"
    }

    /// The format ends a line at CRLF, LF or CR alike.
    private static func lines(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
    }

    private static func singleLine(_ text: String) -> String {
        text.filter { $0 != "\n" && $0 != "\r" && $0 != "\r\n" }
    }
}

/// A document streamed as events (design section 7): first the reconnection delay, then the document, then the
/// document again each time it changes, checked every `checkEvery`; a keep-alive comment after `keepAliveAfter` of
/// silence; the end after `lasting` (the browser reconnects by itself), after `limit` events, or once a final document
/// was sent. Pure but for what it is given: the clock, the pause between checks (the server's is cut short on
/// shutdown), the source of documents and the writer, so tests drive a minute of it on a clock that jumps.
struct LiveFeed: Sendable {
    struct Timing: Sendable {
        var checkEvery: Duration = .seconds(2)
        var keepAliveAfter: Duration = .seconds(15)
        var lasting: Duration = .seconds(60)
        var retry: Duration = .seconds(3)
    }

    /// One reading of the document. `version` is what counts as a change (the document without the time it was
    /// read, which changes every time); `generation` is the first half of the event id; a final document ends the feed.
    struct Snapshot: Sendable {
        var data: Data
        var version: Data
        var generation: Int
        var isFinal: Bool

        init(data: Data, version: Data? = nil, generation: Int, isFinal: Bool) {
            self.data = data
            self.version = version ?? data
            self.generation = generation
            self.isFinal = isFinal
        }
    }

    enum End: String, Sendable, Equatable {
        case limit, final
        case timeUp = "time_up"
        case stopped
    }

    var event: String
    var timing: Timing
    var limit: Int? = nil

    /// Runs until one of the ends; a failed read or write (a client that went away) is thrown to the caller.
    /// `sleep` throwing `CancellationError` means stop now: the feed ends with `.stopped`.
    func run<C: Clock<Duration>>(
        clock: C,
        sleep: (Duration) async throws -> Void,
        next: () async throws -> Snapshot,
        write: (String) async throws -> Void
    ) async throws -> End {
        let start = clock.now
        try await write(ServerSentEvents.retry(timing.retry))
        var lastWrite = start
        var sent = 0
        var lastVersion: Data?
        while true {
            let snapshot = try await next()
            if snapshot.version != lastVersion {
                sent += 1
                let text = String(decoding: snapshot.data, as: UTF8.self)
                try await write(ServerSentEvents.event(event, id: "\(snapshot.generation)-\(sent)", data: text))
                lastWrite = clock.now
                lastVersion = snapshot.version
                if let limit, sent >= limit { return .limit }
            }
            if snapshot.isFinal { return .final }
            let now = clock.now
            let left = now.duration(to: start.advanced(by: timing.lasting))
            if left <= .zero { return .timeUp }
            if lastWrite.duration(to: now) >= timing.keepAliveAfter {
                try await write(ServerSentEvents.comment("keep-alive"))
                lastWrite = now
            }
            do {
                try await sleep(min(timing.checkEvery, left))
            } catch is CancellationError {
                return .stopped
            }
        }
    }
}
