import ArgumentParser
import Foundation
import HeraldApp
import SQLKit
import Segments
import Storage

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure Herald's queries on existing (seeded) data; see docs/benchmarks.md.", subcommands: [SegmentsBench.self, AnalyticsBench.self]
    )
}

/// Times segment preview counts for fixed rule shapes, one after another: the SQL engine's
/// (`SQLSegmentEvaluator.count()`), the audience index's (`IndexSegmentEvaluator`, compiled and evaluated afresh for
/// every count, as a preview is), or both side by side.
struct SegmentsBench: AsyncParsableCommand {
    enum EngineChoice: String, ExpressibleByArgument, CaseIterable { case sql, index, both }

    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "Time segment preview counts for a set of rule shapes on a seeded workspace.",
        discussion: """
            Each shape is compiled once, counted --warmups times untimed and then --runs times timed. Prints p50, p95 and \
            max per shape with the matching count. With --engine index or both, the workspace's audience index is built \
            first (its build time and the process's resident memory are printed), and each index count compiles and \
            evaluates the rules afresh. With both, the two engines' counts must agree. Does not migrate: run \
            `herald migrate` first to measure the current schema.
            """
    )
    @Option(help: "Name of the (seeded) workspace.") var workspace: String
    @Option(help: "Timed counts per shape.") var runs: Int = 30
    @Option(help: "Untimed counts per shape before the timed ones.") var warmups: Int = 3
    @Option(
        name: .customLong("shape"), help: "Only these shapes (repeatable); default: all. Ids: \(BenchShape.all.map(\.id).joined(separator: ", ")).")
    var only: [String] = []
    @Option(help: "Engines to time: sql, index or both (side by side).") var engine: EngineChoice = .sql
    @Option(help: "Also time this many random rule trees (seeded, the same every run), --tree-runs times each.") var randomTrees = 0
    @Option(help: "Timed counts per random tree.") var treeRuns = 5
    @Option(
        help: "Timed SQL counts per shape and per random tree, after one untimed count (default: --runs and --tree-runs); at a million contacts a SQL count takes seconds."
    )
    var sqlRuns: Int?
    @Option(help: "With the index: this many single-order writes, each followed by a count through the index service, to time how soon a change is counted.")
    var freshnessWrites = 0
    @Option(help: "Also write the results as JSON to this file.") var json: String?
    @Flag(help: "Print each shape's SQL and query plan (PostgreSQL: EXPLAIN ANALYZE) instead of timing it.") var explain = false
    @OptionGroup var options: ConfigOptions

    func validate() throws {
        guard runs > 0, warmups >= 0, (sqlRuns ?? 1) > 0 else {
            throw ValidationError("--runs and --sql-runs must be positive and --warmups not negative")
        }
        guard randomTrees >= 0, treeRuns > 0, freshnessWrites >= 0 else {
            throw ValidationError("--random-trees and --freshness-writes must not be negative, --tree-runs must be positive")
        }
        let unknown = only.filter { id in !BenchShape.all.contains { $0.id == id } }
        guard unknown.isEmpty else { throw ValidationError("unknown shape(s): \(unknown.joined(separator: ", "))") }
    }

    func run() async throws {
        let config = try options.resolve()
        let database = try await Database.open(config.databaseURL, logger: Logging.logger(config))
        do {
            try await measure(database)
            await database.close()
        } catch {
            await database.close()
            FileHandle.standardError.write(Data("herald: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func measure(_ database: Database) async throws {
        guard let target = try await WorkspaceStore(database: database).find(name: workspace) else {
            throw ValidationError("workspace '\(workspace)' does not exist")
        }
        let setup = try await BenchSetup.load(database, workspace: target)
        let schema = try await Migrator().currentVersion(database)
        let databaseName = database.kind == .postgres ? "postgresql" : "sqlite"
        print(
            "\(databaseName), workspace \(target.name): \(SeedProgressReporter.grouped(setup.contacts)) contacts; schema version \(schema) of \(Migrator().latestVersion)"
        )
        if !explain {
            print("runs \(runs) after \(warmups) warm-up(s)\(sqlRuns.map { "; SQL: \($0) after \(Swift.min(warmups, 1))" } ?? ""), milliseconds per count()")
        }

        var snapshot: AudienceSnapshot?
        var build: IndexBuild?
        if engine != .sql && !explain {
            let clock = ContinuousClock()
            let started = clock.now
            let built = try await AudienceSnapshot.build(from: database, workspaceID: target.id)
            let seconds = (clock.now - started).milliseconds / 1000
            let rss = ProcessMemory.residentBytes()
            build = IndexBuild(
                seconds: seconds, contacts: built.contactCount, orders: built.orderCount, events: built.eventCount,
                estimatedBytes: built.estimatedBytes, residentBytes: rss
            )
            snapshot = built
            print(build!.line)
        }

        var results: [BenchResult] = []
        for shape in BenchShape.all where only.isEmpty || only.contains(shape.id) {
            let rules = try setup.rules(for: shape)
            let now = Date()
            let evaluator = try setup.evaluator(rules, shape: shape, database: database, now: now)
            if explain {
                try await BenchExplain.print(shape, evaluator)
                continue
            }
            var result = BenchResult(shape: shape)
            if engine != .index {
                result.sql = try await time(runs: sqlRuns, warmups: sqlRuns == nil ? nil : Swift.min(warmups, 1)) { try await evaluator.count() }
                print(result.sql!.line("sql", shape: shape, contacts: setup.contacts))
            }
            if let snapshot {
                result.index = try await time {
                    try await setup.indexEvaluator(rules, shape: shape, snapshot: snapshot, now: now).count()
                }
                print(result.index!.line("index", shape: shape, contacts: setup.contacts))
            }
            if let sql = result.sql, let index = result.index {
                guard sql.count == index.count else {
                    throw ValidationError("shape \(shape.id): the index counted \(index.count), SQL \(sql.count)")
                }
                print("\(shape.id.padding(toLength: 22, withPad: " ", startingAt: 0)) index is \(String(format: "%.1f", sql.p95 / Swift.max(index.p95, 0.001)))x faster at p95")
            }
            results.append(result)
        }
        var trees: [BenchTreeResult] = []
        if randomTrees > 0 && !explain {
            var generator = BenchRandomTrees(seed: 2026, categories: Array(setup.categories.values))
            var worst: (sql: Double, index: Double) = (0, 0)
            for number in 1...randomTrees {
                let rules = generator.tree()
                let text = String(decoding: try JSONEncoder().encode(rules), as: UTF8.self)
                var result = BenchTreeResult(number: number, rules: text)
                let shape = BenchShape(id: "tree_\(number)", title: "random tree \(number)", rules: text)
                let now = Date()
                if engine != .index {
                    let evaluator = try setup.evaluator(rules, shape: shape, database: database, now: now)
                    result.sql = try await time(runs: sqlRuns ?? treeRuns, warmups: 1) { try await evaluator.count() }
                    worst.sql = Swift.max(worst.sql, result.sql!.p95)
                }
                if let snapshot {
                    result.index = try await time(runs: treeRuns, warmups: 1) {
                        try await setup.indexEvaluator(rules, shape: shape, snapshot: snapshot, now: now).count()
                    }
                    worst.index = Swift.max(worst.index, result.index!.p95)
                }
                if let sql = result.sql, let index = result.index, sql.count != index.count {
                    throw ValidationError("random tree \(number): the index counted \(index.count), SQL \(sql.count): \(text)")
                }
                let parts = [result.sql.map { String(format: "sql p95 %8.1f", $0.p95) }, result.index.map { String(format: "index p95 %6.1f", $0.p95) }]
                print("tree \(String(format: "%2d", number))  \(parts.compactMap { $0 }.joined(separator: "  "))  count \(SeedProgressReporter.grouped(result.index?.count ?? result.sql?.count ?? 0))")
                trees.append(result)
            }
            print("random trees: worst p95 \(engine != .index ? String(format: "sql %.1f ms", worst.sql) : "")\(snapshot != nil ? String(format: "  index %.1f ms", worst.index) : "")")
        }
        var freshness: BenchTiming?
        if freshnessWrites > 0, snapshot != nil, !explain {
            freshness = try await measureFreshness(database, workspaceID: target.id, setup: setup)
            print(String(format: "change to count through the index service: p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d writes", freshness!.p50, freshness!.p99, freshness!.max, freshnessWrites))
        }
        if let json, !explain {
            let report = BenchReport(
                engine: databaseName, workspace: target.name, contacts: setup.contacts, schemaVersion: schema, runs: runs, warmups: warmups,
                at: Date(), index: build, shapes: results, randomTrees: trees, freshness: freshness
            )
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }

    /// Times `count` --runs times after --warmups untimed calls.
    private func time(runs: Int? = nil, warmups: Int? = nil, _ count: () async throws -> Int) async throws -> BenchTiming {
        let runs = runs ?? self.runs, warmups = warmups ?? self.warmups
        for _ in 0..<warmups { _ = try await count() }
        var samples: [Double] = []
        var matched = 0
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let started = clock.now
            matched = try await count()
            samples.append((clock.now - started).milliseconds)
        }
        return BenchTiming(count: matched, samples: samples)
    }

    /// Writes one paid order for a random contact at a time (through SQL, as any server would), then asks the index
    /// service for the workspace's view and counts a purchase rule with it: the time from the write's commit to a count
    /// that includes it. Each count is checked against SQL's.
    private func measureFreshness(_ database: Database, workspaceID: UUID, setup: BenchSetup) async throws -> BenchTiming {
        let service = AudienceIndexService(database: database, settings: .init(memoryBudgetBytes: Int.max))
        try await service.build(workspaceID)
        let contacts = try await database.read { sql in
            try await sql.raw("SELECT id FROM contacts WHERE workspace_id = \(bind: workspaceID) ORDER BY id LIMIT 5000").all().map {
                try $0.decode(column: "id", as: UUID.self)
            }
        }
        let rules = RuleNode.when("purchases.order_count", .greaterThanOrEqual, 1, window: .lastDays(1))
        var samples: [Double] = []
        var last = 0
        let clock = ContinuousClock()
        for number in 0..<freshnessWrites {
            guard let contact = contacts.randomElement() else { break }
            let now = Date()
            try await database.transaction { sql in
                try await sql.raw(
                    """
                    INSERT INTO orders (id, workspace_id, contact_id, external_id, status, currency, total_minor, ordered_at, created_at, updated_at)
                    VALUES (\(bind: UUID()), \(bind: workspaceID), \(bind: contact), \(bind: "bench-fresh-\(UUID().uuidString)"), 'paid', 'USD', 1000,
                        \(bind: now), \(bind: now), \(bind: now))
                    """
                ).run()
            }
            let started = clock.now
            guard let view = await service.currentView(for: workspaceID) else {
                throw ValidationError("write \(number): the index service could not answer")
            }
            let at = Date()
            let evaluator = try IndexSegmentEvaluator(view: view, rules: rules, catalog: setup.catalog, now: at, timeZone: setup.timeZone)
            last = try await evaluator.count()
            samples.append((clock.now - started).milliseconds)
            let sql = try await setup.evaluator(rules, shape: BenchShape(id: "fresh", title: "fresh", rules: ""), database: database, now: at).count()
            guard sql == last else { throw ValidationError("write \(number): the index counted \(last), SQL \(sql)") }
        }
        // The bench's orders are removed again, so the seeded data stays what docs/benchmarks.md describes.
        try await database.transaction { sql in
            try await sql.raw("DELETE FROM orders WHERE workspace_id = \(bind: workspaceID) AND external_id LIKE 'bench-fresh-%'").run()
        }
        return BenchTiming(count: last, samples: samples)
    }
}

/// What every shape's evaluator needs from the workspace, read once.
struct BenchSetup {
    let workspaceID: UUID
    let catalog: FieldCatalog
    let timeZone: TimeZone
    let currencyMinorUnits: Int
    let categories: [String: UUID]
    let contacts: Int

    static func load(_ database: Database, workspace: Workspace) async throws -> BenchSetup {
        let id = workspace.id
        let (categories, contacts) = try await database.read { sql in
            let rows = try await sql.raw("SELECT id, name FROM categories WHERE workspace_id = \(bind: id)").all()
            let categories = try Dictionary(
                rows.map { (try $0.decode(column: "name", as: String.self), try $0.decode(column: "id", as: UUID.self)) }
            ) { first, _ in first }
            let contacts =
                try await sql.raw("SELECT COUNT(*) AS n FROM contacts WHERE workspace_id = \(bind: id)").first()?
                .decode(column: "n", as: Int.self) ?? 0
            return (categories, contacts)
        }
        // Zero-decimal currencies count money in whole units; everything else in cents.
        let zeroDecimal: Set<String> = ["JPY", "KRW", "CLP", "VND", "ISK", "HUF", "IDR"]
        return BenchSetup(
            workspaceID: id, catalog: try await FieldCatalog.load(database, workspaceID: id),
            timeZone: TimeZone(identifier: workspace.timeZone) ?? TimeZone(identifier: "UTC")!,
            currencyMinorUnits: zeroDecimal.contains(workspace.currency.uppercased()) ? 1 : 100, categories: categories, contacts: contacts
        )
    }

}

/// The audience index's build, as the bench measured it.
struct IndexBuild: Encodable {
    let seconds: Double
    let contacts: Int, orders: Int, events: Int
    let estimatedBytes: Int
    /// The whole process's resident memory just after the build (nil where /proc is missing).
    let residentBytes: Int?

    enum CodingKeys: String, CodingKey {
        case seconds, contacts, orders, events
        case estimatedBytes = "estimated_bytes", residentBytes = "resident_bytes"
    }

    var line: String {
        func mb(_ bytes: Int) -> String { String(format: "%.0f MB", Double(bytes) / 1_048_576) }
        return "index built in \(String(format: "%.1f", seconds)) s: \(SeedProgressReporter.grouped(contacts)) contacts, "
            + "\(SeedProgressReporter.grouped(orders)) paid orders, \(SeedProgressReporter.grouped(events)) events; "
            + "estimate \(mb(estimatedBytes)), process resident \(residentBytes.map(mb) ?? "unknown")"
    }
}

/// The resident memory of this process, from /proc/self/status.
enum ProcessMemory {
    static func residentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }
}

extension BenchSetup {
    func rules(for shape: BenchShape) throws -> RuleNode {
        var text = shape.rules
        if let name = shape.category {
            guard let category = categories[name] else {
                throw ValidationError("shape \(shape.id) needs category '\(name)', which the workspace lacks")
            }
            text = text.replacingOccurrences(of: "$CATEGORY", with: category.uuidString.lowercased())
        }
        do {
            return try RuleParser.parse(try RuleValue.parse(Data(text.utf8)))
        } catch let problems as RuleProblems {
            throw ValidationError("shape \(shape.id): \(problems)")
        }
    }

    /// `now` is fixed per shape so that both engines count the same periods (a "last 7 days" edge moves meanwhile).
    func evaluator(_ rules: RuleNode, shape: BenchShape, database: Database, now: Date = Date()) throws -> SQLSegmentEvaluator {
        do {
            return try SQLSegmentEvaluator(
                database: database, workspaceID: workspaceID, rules: rules, catalog: catalog, now: now, timeZone: timeZone,
                currencyMinorUnits: currencyMinorUnits
            )
        } catch {
            throw ValidationError("shape \(shape.id): \(error)")
        }
    }

    func indexEvaluator(_ rules: RuleNode, shape: BenchShape, snapshot: AudienceSnapshot, now: Date = Date()) throws -> IndexSegmentEvaluator {
        do {
            return try IndexSegmentEvaluator(
                snapshot: snapshot, rules: rules, catalog: catalog, now: now, timeZone: timeZone, currencyMinorUnits: currencyMinorUnits
            )
        } catch {
            throw ValidationError("shape \(shape.id): \(error)")
        }
    }
}

/// One shape's timings per engine.
struct BenchResult: Encodable {
    let id: String
    let title: String
    var sql: BenchTiming?
    var index: BenchTiming?

    init(shape: BenchShape) {
        id = shape.id
        title = shape.title
    }
}

/// One random tree's timings per engine.
struct BenchTreeResult: Encodable {
    let number: Int
    let rules: String
    var sql: BenchTiming?
    var index: BenchTiming?
}

/// One engine's counts of one shape.
struct BenchTiming: Encodable {
    let count: Int
    let p50: Double
    let p95: Double
    let p99: Double
    let max: Double
    let mean: Double
    let samples: [Double]

    enum CodingKeys: String, CodingKey {
        case count, max, mean
        case p50 = "p50_ms", p95 = "p95_ms", p99 = "p99_ms", samples = "samples_ms"
    }

    init(count: Int, samples: [Double]) {
        let sorted = samples.sorted()
        // Nearest rank: the smallest sample at or above the given share of all samples.
        func rank(_ share: Double) -> Double { sorted[Swift.max(0, Int((share * Double(sorted.count)).rounded(.up)) - 1)] }
        self.count = count
        self.p50 = rank(0.5)
        self.p95 = rank(0.95)
        self.p99 = rank(0.99)
        self.max = sorted.last ?? 0
        self.mean = samples.reduce(0, +) / Double(Swift.max(samples.count, 1))
        self.samples = samples
    }

    func line(_ engine: String, shape: BenchShape, contacts: Int) -> String {
        let share = contacts > 0 ? Double(count) / Double(contacts) * 100 : 0
        func ms(_ value: Double) -> String { String(format: "%9.1f", value) }
        let name = shape.id.padding(toLength: 22, withPad: " ", startingAt: 0)
        let matched = SeedProgressReporter.grouped(count)
        return "\(name) \(engine.padding(toLength: 5, withPad: " ", startingAt: 0)) p50 \(ms(p50))  p95 \(ms(p95))  max \(ms(max))  count \(matched) (\(String(format: "%.1f", share)) %)"
    }
}

struct BenchReport: Encodable {
    let engine: String
    let workspace: String
    let contacts: Int
    let schemaVersion: Int
    let runs: Int
    let warmups: Int
    let at: Date
    let index: IndexBuild?
    let shapes: [BenchResult]
    let randomTrees: [BenchTreeResult]
    let freshness: BenchTiming?

    enum CodingKeys: String, CodingKey {
        case engine, workspace, contacts, runs, warmups, at, index, shapes, freshness
        case randomTrees = "random_trees"
        case schemaVersion = "schema_version"
    }
}

/// Prints a shape's count query and the engine's plan for it.
enum BenchExplain {
    static func print(_ shape: BenchShape, _ evaluator: SQLSegmentEvaluator) async throws {
        let query = SegmentQuery.count(workspaceID: evaluator.workspaceID, predicate: evaluator.predicate)
        let postgres = evaluator.database.kind == .postgres
        let lines = try await evaluator.database.read { sql -> [String] in
            var serializer = SQLSerializer(database: sql)
            query.serialize(to: &serializer)
            var lines = ["== \(shape.id): \(shape.title)", serializer.sql]
            let explain: SQLQueryString = postgres ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN QUERY PLAN "
            var depths: [Int: Int] = [0: -1]
            for row in try await sql.raw(explain + query).all() {
                if postgres {
                    lines.append(try row.decode(column: "QUERY PLAN", as: String.self))
                } else {
                    let id = try row.decode(column: "id", as: Int.self), parent = try row.decode(column: "parent", as: Int.self)
                    depths[id] = (depths[parent] ?? -1) + 1
                    let indent = String(repeating: "  ", count: depths[id] ?? 0)
                    lines.append(indent + (try row.decode(column: "detail", as: String.self)))
                }
            }
            return lines
        }
        Swift.print(lines.joined(separator: "\n"))
    }
}
