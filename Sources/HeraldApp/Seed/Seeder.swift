import Foundation
import SQLKit
import Storage

/// How far a seeding run is; reported after every committed batch.
public struct SeedProgress: Sendable {
    public let contactsDone: Int
    public let contactsTotal: Int
    public let orders: Int
    public let orderLines: Int
    public let events: Int
    /// Seconds since the run started.
    public let elapsed: Double

    public var fraction: Double { contactsTotal == 0 ? 1 : Double(contactsDone) / Double(contactsTotal) }
    /// Contacts per second so far.
    public var contactsPerSecond: Double { elapsed > 0 ? Double(contactsDone) / elapsed : 0 }
    /// Estimated seconds left at the rate so far.
    public var secondsLeft: Double? {
        contactsDone > 0 ? elapsed / Double(contactsDone) * Double(contactsTotal - contactsDone) : nil
    }
}

/// What a seeding run wrote.
public struct SeedSummary: Sendable {
    public let contacts: Int
    public let orders: Int
    public let orderLines: Int
    /// Campaign messages (one per contact and campaign received), each with its events.
    public let messages: Int
    public let events: Int
    public let categories: Int
    public let products: Int
    public let campaigns: Int
    /// Seconds the run took, catalog included.
    public let elapsed: Double

    public var rows: Int { contacts + orders + orderLines + messages + events + categories + products + campaigns }
    public var rowsPerSecond: Double { elapsed > 0 ? Double(rows) / elapsed : 0 }
}

public enum SeedError: Error, CustomStringConvertible, Sendable {
    case workspaceNotFound(UUID)
    case workspaceNotEmpty(workspace: String, holds: String)
    case invalidArgument(String)
    case internalInconsistency(String)

    public var description: String {
        switch self {
        case .workspaceNotFound(let id): "workspace \(id.uuidString.lowercased()) was not found"
        case .workspaceNotEmpty(let name, let holds):
            "workspace '\(name)' already has \(holds); seeding needs a workspace without contacts, products, orders or campaigns"
        case .invalidArgument(let message): message
        case .internalInconsistency(let message): "seed data is inconsistent: \(message)"
        }
    }
}

/// Fills an empty workspace with realistic, deterministic demo data: a product catalog, past
/// campaigns, contacts from sixteen countries, their orders with lines, and the campaigns' messages with their events.
///
/// The same seed, workspace name, currency, anchor and counts always produce the same rows, ids
/// included. Contacts are written in transactions of `batchSize` contacts together with their
/// orders, lines and events; the next batch is generated while the current one is written.
public struct Seeder: Sendable {
    public let database: Database
    public let workspaceID: UUID
    public let seed: UInt64
    /// "Now" for the generated history: contacts span the 2 years and orders the year before it.
    /// Default: the start of the current UTC day, so runs on the same day are identical.
    public var anchor: Date?
    /// Contacts per transaction; nil picks per engine (larger on SQLite, where fewer commits rewrite fewer index pages).
    public var batchSize: Int?

    /// Most contacts one run may create (phone numbers stay unique up to this many).
    public static let maxContacts = 10_000_000

    public init(database: Database, workspaceID: UUID, seed: UInt64 = 1, anchor: Date? = nil, batchSize: Int? = nil) {
        self.database = database
        self.workspaceID = workspaceID
        self.seed = seed
        self.anchor = anchor
        self.batchSize = batchSize
    }

    /// Generates and stores the data; `progress` is called after each committed batch.
    public func run(
        contacts: Int, ordersPerContact: Double = 5, eventsPerContact: Double = 20,
        progress: @escaping @Sendable (SeedProgress) -> Void = { _ in }
    ) async throws -> SeedSummary {
        guard (0...Self.maxContacts).contains(contacts) else {
            throw SeedError.invalidArgument("contacts must be between 0 and \(Self.maxContacts)")
        }
        guard (0...200).contains(ordersPerContact) else { throw SeedError.invalidArgument("orders per contact must be between 0 and 200") }
        guard (0...1000).contains(eventsPerContact) else { throw SeedError.invalidArgument("events per contact must be between 0 and 1000") }
        guard (batchSize ?? 1) > 0 else { throw SeedError.invalidArgument("batch size must be positive") }

        let clock = ContinuousClock(), started = clock.now
        func elapsed() -> Double {
            let duration = clock.now - started
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }

        guard let workspace = try await WorkspaceStore(database: database).find(id: workspaceID) else {
            throw SeedError.workspaceNotFound(workspaceID)
        }
        let anchor = self.anchor ?? Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        let plan = SeedPlan(
            seed: seed, workspaceName: workspace.name, currency: workspace.currency, anchor: anchor, contacts: contacts,
            ordersPerContact: ordersPerContact, eventsPerContact: eventsPerContact
        )
        try plan.validatePhoneSpaces()
        let writer = SeedWriter(kind: database.kind, workspaceID: workspaceID, currency: workspace.currency)

        // Refuse a workspace that already holds data the seed would collide with.
        let id = workspaceID, seed = self.seed
        let firstID = plan.ids.id(slot: 0, ordinal: 0)
        let holds: String? = try await database.read { sql in
            for table in ["contacts", "products", "categories", "orders", "campaigns"] {
                if try await sql.raw("SELECT 1 AS one FROM \(ident: table) WHERE workspace_id = \(bind: id) LIMIT 1").first() != nil {
                    return table
                }
            }
            if try await sql.raw("SELECT 1 AS one FROM categories WHERE id = \(bind: firstID)").first() != nil {
                return "ids from seed \(seed)"
            }
            return nil
        }
        if let holds { throw SeedError.workspaceNotEmpty(workspace: workspace.name, holds: holds) }

        // SQLite: a page cache large enough that a batch's dirty pages need not spill mid-transaction.
        var previousCacheSize: Int?
        if database.kind == .sqlite {
            previousCacheSize = try await database.transaction { sql in
                let previous = try await sql.raw("PRAGMA cache_size").first()?.decode(column: "cache_size", as: Int.self)
                try await sql.raw("PRAGMA cache_size = \(unsafeRaw: String(-Self.sqliteCacheKiB))").run()
                return previous
            }
        }
        let restore = previousCacheSize
        do {
            let summary = try await write(plan: plan, writer: writer, contacts: contacts, progress: progress, elapsed: elapsed)
            if let restore { try await restoreCacheSize(restore) }
            return summary
        } catch {
            if let restore { try? await restoreCacheSize(restore) }
            throw error
        }
    }

    /// Batches written at once on PostgreSQL (each in its own transaction and connection).
    static let postgresConcurrency = max(2, min(4, ProcessInfo.processInfo.activeProcessorCount))

    static let postgresBatchSize = 5_000
    static let sqliteBatchSize = 20_000

    /// Page cache of the SQLite writer while seeding, in KiB: room for a whole batch's dirty pages.
    static let sqliteCacheKiB = 1024 * 1024

    private func restoreCacheSize(_ value: Int) async throws {
        try await database.transaction { sql in try await sql.raw("PRAGMA cache_size = \(unsafeRaw: String(value))").run() }
    }

    private func write(
        plan: SeedPlan, writer: SeedWriter, contacts: Int, progress: @escaping @Sendable (SeedProgress) -> Void, elapsed: () -> Double
    ) async throws -> SeedSummary {
        try await database.transaction { sql in try await writer.writeCatalog(plan, sql) }

        // Batches are independent (each references only itself and the catalog), so PostgreSQL writes several
        // at once on separate connections; SQLite has one writer. The next batch is generated meanwhile.
        let concurrency = database.kind == .postgres ? Self.postgresConcurrency : 1
        let database = self.database
        let batchSize = self.batchSize ?? (database.kind == .sqlite ? Self.sqliteBatchSize : Self.postgresBatchSize)
        var done = 0, orders = 0, lines = 0, messages = 0, events = 0
        func finished(_ batch: SeedBatch.Counts) {
            done += batch.contacts
            orders += batch.orders
            lines += batch.lines
            messages += batch.messages
            events += batch.events
            progress(SeedProgress(contactsDone: done, contactsTotal: contacts, orders: orders, orderLines: lines, events: events, elapsed: elapsed()))
        }
        progress(SeedProgress(contactsDone: 0, contactsTotal: contacts, orders: 0, orderLines: 0, events: 0, elapsed: elapsed()))
        var pending: Task<SeedBatch, Never>? =
            contacts > 0 ? Task.detached { plan.batch(0..<min(batchSize, contacts), firstOrderNumber: 0) } : nil
        do {
            try await withThrowingTaskGroup(of: SeedBatch.Counts.self) { group in
                var generated = 0, orderNumber = 0, writing = 0
                while let current = pending {
                    let batch = await current.value
                    let start = generated + batch.contacts.count
                    generated = start
                    orderNumber += batch.orders.count
                    let firstOrder = orderNumber
                    pending = start < contacts
                        ? Task.detached { plan.batch(start..<min(start + batchSize, contacts), firstOrderNumber: firstOrder) } : nil
                    if writing == concurrency, let counts = try await group.next() {
                        writing -= 1
                        finished(counts)
                    }
                    try Task.checkCancellation()
                    group.addTask {
                        try await database.transaction { sql in try await writer.write(batch, sql) }
                        return batch.counts
                    }
                    writing += 1
                }
                while let counts = try await group.next() { finished(counts) }
            }
        } catch {
            if let pending { _ = await pending.value }
            throw error
        }
        // The triggers logged every seeded row for the audience index; an index is built from the tables themselves,
        // so those rows only cost space and would make every index of the workspace look stale until pruned.
        _ = try await database.transaction { sql in
            try await sql.raw("DELETE FROM audience_changes WHERE workspace_id = \(bind: workspaceID)").run()
        }
        // Planner statistics for what was just loaded: SQLite gathers none on its own and PostgreSQL's autovacuum
        // only after a while; without them segment counts read whole tables through unselective indexes.
        let analyze: SQLQueryString = database.kind == .postgres ? "ANALYZE contacts, orders, order_lines, products, messages, message_events" : "ANALYZE"
        try await database.transaction { sql in try await sql.raw(analyze).run() }
        // The seeded campaigns' events reach the analytics rollups through a rebuild, which any running server's
        // AnalyticsWorker (or `herald analytics rebuild`) performs.
        try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO analytics_state (workspace_id, rebuild_requested_at) VALUES (\(bind: workspaceID), \(bind: Date()))
                ON CONFLICT (workspace_id) DO UPDATE SET rebuild_requested_at = excluded.rebuild_requested_at
                """
            ).run()
        }
        return SeedSummary(
            contacts: done, orders: orders, orderLines: lines, messages: messages, events: events, categories: plan.categories.count,
            products: plan.products.count, campaigns: plan.campaigns.count, elapsed: elapsed()
        )
    }
}
