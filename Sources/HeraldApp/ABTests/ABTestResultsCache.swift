import Foundation

/// Each watched test's latest results, kept for a second, so any number of people watching one test live cost one
/// query a second between them (design section 7). Callers that ask while a query runs wait for that query.
/// Per process: each server of a cluster keeps its own.
actor ABTestResultsCache {
    private enum Entry {
        case loading(Task<ABTestResults, any Error>)
        case ready(ABTestResults, at: ContinuousClock.Instant)
    }

    let lifetime: Duration
    private let clock = ContinuousClock()
    private var entries: [UUID: Entry] = [:]

    init(lifetime: Duration = .seconds(1)) {
        self.lifetime = lifetime
    }

    /// The test's results from the last second, else from `load` (a failure is not kept: the next caller tries again).
    func results(for testID: UUID, load: @escaping @Sendable () async throws -> ABTestResults) async throws -> ABTestResults {
        let now = clock.now
        entries = entries.filter { _, entry in
            if case .ready(_, let at) = entry { return at.duration(to: now) < lifetime }
            return true
        }
        switch entries[testID] {
        case .ready(let results, _): return results
        case .loading(let task): return try await task.value
        case nil: break
        }
        let task = Task { try await load() }
        entries[testID] = .loading(task)
        do {
            let results = try await task.value
            entries[testID] = .ready(results, at: clock.now)
            return results
        } catch {
            entries[testID] = nil
            throw error
        }
    }
}
