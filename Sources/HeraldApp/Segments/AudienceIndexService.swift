import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Segments
import Storage

/// This server's audience indexes, one per workspace, built from the database on first use
/// (docs/design-audience-index.md).
///
/// Before answering, an index reads the change log (`audience_changes`, shared by every server) past its position and
/// re-reads the contacts logged since, whole, into a delta that supersedes their rows in the base snapshot; the log and
/// those rows come from one consistent read, so an answer reflects every write committed before it began, through any
/// server. A change to the whole workspace (a product's category), a delta past ``Settings/maxDeltaContacts`` or a
/// failed read starts a rebuild in the background and answers from SQL until it is done, as does a workspace that
/// would pass the memory budget (with one log line).
public actor AudienceIndexService {
    public struct Settings: Sendable {
        public var enabled: Bool
        /// The most all snapshots together may take, by their estimate.
        public var memoryBudgetBytes: Int
        /// How long change log rows are kept.
        public var logRetention: TimeInterval
        /// Changed contacts a delta may hold before the base is rebuilt.
        public var maxDeltaContacts: Int

        public init(enabled: Bool = true, memoryBudgetBytes: Int = 1 << 30, logRetention: TimeInterval = 3600, maxDeltaContacts: Int = 5000) {
            self.enabled = enabled
            self.memoryBudgetBytes = memoryBudgetBytes
            self.logRetention = logRetention
            self.maxDeltaContacts = maxDeltaContacts
        }

        /// The defaults with `HERALD_AUDIENCE_INDEX=off` honoured: for services made without a configuration (tests
        /// run in both modes this way).
        public static func fromEnvironment() -> Settings {
            Settings(enabled: ProcessInfo.processInfo.environment["HERALD_AUDIENCE_INDEX"].flatMap(isOn) ?? true)
        }

        /// `HERALD_AUDIENCE_INDEX`'s value as on or off; nil for anything else.
        public static func isOn(_ text: String) -> Bool? {
            switch text.lowercased() {
            case "on", "true", "1", "yes": true
            case "off", "false", "0", "no": false
            default: nil
            }
        }
    }

    struct Entry {
        /// The base snapshot and the delta over it; nil while the workspace is answered with SQL.
        var view: AudienceView?
        var position: AudienceLogPosition?
        var changed: Set<UUID> = []
        /// Bumped by every rebuild, so a catch-up begun on an older base is dropped.
        var generation = 0
        var building = false
        var catchingUp: (task: Task<AudienceView?, Never>, began: ContinuousClock.Instant)?
        var lastBuildSeconds: Double = 0
        var lastBuildEnded: Date?
        /// Set when the workspace did not fit the budget: no rebuild is tried before this.
        var refusedUntil: Date?
    }

    let database: Database
    let settings: Settings
    let logger: Logger
    private var entries: [UUID: Entry] = [:]
    private let metrics = AudienceIndexMetrics()
    /// Questions this service answered from an index (as `herald_audience_index_answers_total`), for tests.
    public private(set) var answers = 0

    public init(database: Database, settings: Settings, logger: Logger = Logger(label: "herald.audience-index")) {
        self.database = database
        self.settings = settings
        self.logger = logger
    }

    public nonisolated var isEnabled: Bool { settings.enabled }

    /// The workspace's index brought up to the change log, or nil (answer with SQL; a rebuild is started if due).
    public func currentView(for workspaceID: UUID, now: Date = Date()) async -> AudienceView? {
        guard settings.enabled else { return nil }
        let view = await caughtUp(workspaceID)
        if view == nil {
            metrics.fellBack.increment()
            startBuildIfDue(workspaceID, now: now)
        } else {
            metrics.answered.increment()
            answers += 1
        }
        return view
    }

    /// Applies the change log to every index this server holds: run every second by ``AudienceIndexFollower``, so
    /// each server applies every write within about a second even when nobody asks, and a question's own catch-up
    /// finds little to read. An index that cannot catch up is rebuilt.
    public func follow(now: Date = Date()) async {
        guard settings.enabled else { return }
        for workspaceID in entries.keys where entries[workspaceID]?.view != nil {
            if await caughtUp(workspaceID) == nil { startBuildIfDue(workspaceID, now: now) }
        }
    }

    /// The view after a catch-up that began after this call, or nil when the workspace has none.
    private func caughtUp(_ workspaceID: UUID) async -> AudienceView? {
        let asked = ContinuousClock.now
        while true {
            guard let entry = entries[workspaceID], entry.view != nil else { return nil }
            // One catch-up at a time per workspace. One that began after this question sees every write committed
            // before it, so its answer serves; one that began earlier may not, so wait for it and start another.
            if let running = entry.catchingUp {
                let answer = await running.task.value
                if running.began >= asked { return answer }
                // Its starter may not have run yet to clear it: clear it here, or this loop would find it again.
                if entries[workspaceID]?.catchingUp?.began == running.began { entries[workspaceID]?.catchingUp = nil }
                continue
            }
            let task = Task { await self.catchUp(workspaceID) }
            let began = ContinuousClock.now
            entries[workspaceID]?.catchingUp = (task, began)
            let view = await task.value
            if entries[workspaceID]?.catchingUp?.began == began { entries[workspaceID]?.catchingUp = nil }
            return view
        }
    }

    /// Reads the log past the entry's position and the changed contacts' rows; nil when the index cannot answer.
    private func catchUp(_ workspaceID: UUID) async -> AudienceView? {
        guard let entry = entries[workspaceID], let position = entry.position, let view = entry.view else { return nil }
        let generation = entry.generation, changedBefore = entry.changed, limit = settings.maxDeltaContacts
        let dialect = database.dialect
        do {
            let result = try await database.consistentBulkRead { reader -> (AudienceLogTail, AudienceSnapshot?, Set<UUID>) in
                let tail = try await position.tail(workspaceID: workspaceID, limit: limit * 4, in: reader.sql)
                let changed = changedBefore.union(tail.contacts)
                guard !tail.isEmpty, !tail.wholeWorkspace, changed.count <= limit else { return (tail, nil, changed) }
                let delta = try await AudienceSnapshot.build(in: reader, dialect: dialect, workspaceID: workspaceID, only: Array(changed))
                return (tail, delta, changed)
            }
            let (tail, delta, changed) = result
            // How long the changes applied now had waited since they were written; 0 when there were none.
            metrics.lag.record(tail.oldestChange.map { max(0, Date().timeIntervalSince($0)) } ?? 0)
            if tail.isEmpty { return view }
            guard let delta else {
                logger.debug("audience index: too many changes for a delta; rebuilding", metadata: ["workspace_id": "\(workspaceID)"])
                invalidate(workspaceID)
                return nil
            }
            let updated = AudienceView(base: view.base, delta: delta, changed: changed)
            guard entries[workspaceID]?.generation == generation else { return nil }
            entries[workspaceID]?.view = updated
            entries[workspaceID]?.position = tail.position
            entries[workspaceID]?.changed = changed
            metrics.applied.increment(by: tail.changes)
            return updated
        } catch {
            logger.warning("audience index: the change log could not be applied", metadata: ["error": "\(error)"])
            invalidate(workspaceID)
            return nil
        }
    }

    /// Drops the workspace's view (it answers with SQL) so that the next question starts a rebuild.
    private func invalidate(_ workspaceID: UUID) {
        entries[workspaceID]?.view = nil
    }

    /// Builds (or rebuilds) a workspace's snapshot now and waits for it: for the bench and for tests.
    @discardableResult
    public func build(_ workspaceID: UUID) async throws -> AudienceSnapshot? {
        try await rebuild(workspaceID)
        return entries[workspaceID]?.view?.base
    }

    private func startBuildIfDue(_ workspaceID: UUID, now: Date) {
        var entry = entries[workspaceID] ?? Entry()
        guard !entry.building else { return }
        if let until = entry.refusedUntil, until > now { return }
        // Rebuilding costs CPU: not more often than three times the last build took, and at most every 250 ms.
        if let ended = entry.lastBuildEnded, now.timeIntervalSince(ended) < max(0.25, 3 * entry.lastBuildSeconds) { return }
        entry.building = true
        entries[workspaceID] = entry
        Task { try? await self.rebuild(workspaceID, alreadyMarked: true) }
    }

    private func rebuild(_ workspaceID: UUID, alreadyMarked: Bool = false) async throws {
        if !alreadyMarked {
            var entry = entries[workspaceID] ?? Entry()
            entry.building = true
            entries[workspaceID] = entry
        }
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let (snapshot, position) = try await AudienceSnapshot.buildWithPosition(from: database, workspaceID: workspaceID)
            let seconds = (clock.now - started) / .seconds(1)
            var entry = entries[workspaceID] ?? Entry()
            entry.building = false
            entry.lastBuildSeconds = seconds
            entry.lastBuildEnded = Date()
            entry.generation += 1
            entry.changed = []
            let others = entries.filter { $0.key != workspaceID }.values.compactMap(\.view?.base).reduce(0) { $0 + $1.estimatedBytes }
            if others + snapshot.estimatedBytes > settings.memoryBudgetBytes {
                if entry.refusedUntil == nil {
                    logger.warning(
                        "audience index: workspace does not fit the memory budget; its segments are counted with SQL",
                        metadata: [
                            "workspace_id": "\(workspaceID)", "needed_bytes": "\(snapshot.estimatedBytes)", "in_use_bytes": "\(others)",
                            "budget_bytes": "\(settings.memoryBudgetBytes)",
                        ]
                    )
                }
                entry.view = nil
                entry.position = nil
                entry.refusedUntil = Date().addingTimeInterval(600)
            } else {
                entry.view = AudienceView(base: snapshot)
                entry.position = position
                entry.refusedUntil = nil
            }
            entries[workspaceID] = entry
            metrics.builds.increment()
            metrics.buildSeconds.record(seconds)
            metrics.bytes.record(entries.values.compactMap(\.view?.base).reduce(0) { $0 + $1.estimatedBytes })
            logger.debug(
                "audience index built",
                metadata: ["workspace_id": "\(workspaceID)", "contacts": "\(snapshot.contactCount)", "seconds": "\(seconds)", "position": "\(position)"]
            )
        } catch {
            var entry = entries[workspaceID] ?? Entry()
            entry.building = false
            entry.lastBuildEnded = Date()
            entries[workspaceID] = entry
            logger.warning("audience index: build failed; counting with SQL", metadata: ["workspace_id": "\(workspaceID)", "error": "\(error)"])
            throw error
        }
    }

    /// Deletes change log rows past the retention.
    public func prune(now: Date = Date()) async throws -> Int {
        try await AudienceChangeLog.prune(olderThan: settings.logRetention, now: now, in: database)
    }

    /// Times one evaluation for `/metrics`.
    nonisolated func recordEvaluation(seconds: Double) {
        metrics.evaluationSeconds.recordSeconds(seconds)
    }
}

/// The index's figures on `/metrics`.
struct AudienceIndexMetrics: Sendable {
    let bytes = Gauge(label: "herald_audience_index_bytes")
    let builds = Counter(label: "herald_audience_index_builds_total")
    let buildSeconds = Gauge(label: "herald_audience_index_build_seconds")
    let answered = Counter(label: "herald_audience_index_answers_total")
    let fellBack = Counter(label: "herald_audience_index_sql_fallbacks_total")
    let applied = Counter(label: "herald_audience_index_changes_applied_total")
    let evaluationSeconds = Metrics.Timer(label: "herald_audience_index_evaluation_seconds")
    /// Seconds from the oldest change a catch-up applied being written to its being applied (0 when up to date).
    let lag = Gauge(label: "herald_audience_index_lag_seconds")
}

/// Applies the change log to this server's indexes every second (``AudienceIndexService/follow(now:)``).
struct AudienceIndexFollower: Service {
    let index: AudienceIndexService
    var interval: Duration = .seconds(1)

    func run() async throws {
        // Runs (idle) with the index off too: a service that returns early would end the server's service group.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await index.follow()
                try? await Task.sleep(for: interval)
            }
        }
    }
}

/// Prunes the audience change log every five minutes (any server may; deleting twice is harmless).
struct AudienceLogPruner: Service {
    let index: AudienceIndexService
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let pruned = try await index.prune()
                    if pruned > 0 { logger.debug("audience change log pruned", metadata: ["rows": "\(pruned)"]) }
                } catch {
                    logger.warning("audience change log pruning failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: .seconds(300))
            }
        }
    }
}
