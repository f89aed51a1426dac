import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Segments
import Storage

/// This server's audience indexes, one per workspace, built from the database on first use
/// (docs/design-audience-index.md).
///
/// A snapshot answers only while the change log shows nothing new for its workspace since it was read; otherwise
/// the caller uses SQL and a rebuild starts in the background (at most one per workspace, and not more often than
/// three times its last build took). Every server checks the shared log, so a write through another server is
/// seen at the next count. A workspace whose snapshot would pass the memory budget stays on SQL, with one log line.
public actor AudienceIndexService {
    public struct Settings: Sendable {
        public var enabled: Bool
        /// The most all snapshots together may take, by their estimate.
        public var memoryBudgetBytes: Int
        /// How long change log rows are kept.
        public var logRetention: TimeInterval

        public init(enabled: Bool = true, memoryBudgetBytes: Int = 1 << 30, logRetention: TimeInterval = 3600) {
            self.enabled = enabled
            self.memoryBudgetBytes = memoryBudgetBytes
            self.logRetention = logRetention
        }

        /// The defaults with `HERALD_AUDIENCE_INDEX=off` honoured: for services made without a configuration (tests
        /// run in both modes this way).
        public static func fromEnvironment() -> Settings {
            let value = ProcessInfo.processInfo.environment["HERALD_AUDIENCE_INDEX"]?.lowercased()
            return Settings(enabled: !["off", "false", "0", "no"].contains(value ?? ""))
        }
    }

    struct Entry {
        var snapshot: AudienceSnapshot?
        var position: AudienceLogPosition?
        var building = false
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

    public init(database: Database, settings: Settings, logger: Logger = Logger(label: "herald.audience-index")) {
        self.database = database
        self.settings = settings
        self.logger = logger
    }

    public nonisolated var isEnabled: Bool { settings.enabled }

    /// The workspace's snapshot if it reflects every change logged so far; nil (and a rebuild is started) otherwise.
    public func currentSnapshot(for workspaceID: UUID, now: Date = Date()) async -> AudienceSnapshot? {
        guard settings.enabled else { return nil }
        let entry = entries[workspaceID] ?? Entry()
        if let snapshot = entry.snapshot, let position = entry.position {
            do {
                if try await position.isCurrent(workspaceID: workspaceID, in: database) {
                    metrics.answered.increment()
                    return snapshot
                }
            } catch {
                logger.warning("audience index: the change log could not be read", metadata: ["error": "\(error)"])
            }
        }
        metrics.fellBack.increment()
        startBuildIfDue(workspaceID, now: now)
        return nil
    }

    /// Builds (or rebuilds) a workspace's snapshot now and waits for it: for the bench and for tests.
    @discardableResult
    public func build(_ workspaceID: UUID) async throws -> AudienceSnapshot? {
        try await rebuild(workspaceID)
        return entries[workspaceID]?.snapshot
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
            let others = entries.filter { $0.key != workspaceID }.values.compactMap(\.snapshot).reduce(0) { $0 + $1.estimatedBytes }
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
                entry.snapshot = nil
                entry.position = nil
                entry.refusedUntil = Date().addingTimeInterval(600)
            } else {
                entry.snapshot = snapshot
                entry.position = position
                entry.refusedUntil = nil
            }
            entries[workspaceID] = entry
            metrics.builds.increment()
            metrics.buildSeconds.record(seconds)
            metrics.bytes.record(entries.values.compactMap(\.snapshot).reduce(0) { $0 + $1.estimatedBytes })
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
    let evaluationSeconds = Metrics.Timer(label: "herald_audience_index_evaluation_seconds")
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
