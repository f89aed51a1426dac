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
    @Option(help: "Also write the results as JSON to this file.") var json: String?
    @Flag(help: "Print each shape's SQL and query plan (PostgreSQL: EXPLAIN ANALYZE) instead of timing it.") var explain = false
    @OptionGroup var options: ConfigOptions

    func validate() throws {
        guard runs > 0, warmups >= 0 else { throw ValidationError("--runs must be positive and --warmups not negative") }
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
        if !explain { print("runs \(runs) after \(warmups) warm-up(s), milliseconds per count()") }

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
            let evaluator = try setup.evaluator(rules, shape: shape, database: database)
            if explain {
                try await BenchExplain.print(shape, evaluator)
                continue
            }
            var result = BenchResult(shape: shape)
            if engine != .index {
                result.sql = try await time { try await evaluator.count() }
                print(result.sql!.line("sql", shape: shape, contacts: setup.contacts))
            }
            if let snapshot {
                result.index = try await time {
                    try await setup.indexEvaluator(rules, shape: shape, snapshot: snapshot).count()
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
        if let json, !explain {
            let report = BenchReport(
                engine: databaseName, workspace: target.name, contacts: setup.contacts, schemaVersion: schema, runs: runs, warmups: warmups,
                at: Date(), index: build, shapes: results
            )
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }

    /// Times `count` --runs times after --warmups untimed calls.
    private func time(_ count: () async throws -> Int) async throws -> BenchTiming {
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

    func evaluator(_ rules: RuleNode, shape: BenchShape, database: Database) throws -> SQLSegmentEvaluator {
        do {
            return try SQLSegmentEvaluator(
                database: database, workspaceID: workspaceID, rules: rules, catalog: catalog, timeZone: timeZone,
                currencyMinorUnits: currencyMinorUnits
            )
        } catch {
            throw ValidationError("shape \(shape.id): \(error)")
        }
    }

    func indexEvaluator(_ rules: RuleNode, shape: BenchShape, snapshot: AudienceSnapshot) throws -> IndexSegmentEvaluator {
        do {
            return try IndexSegmentEvaluator(
                snapshot: snapshot, rules: rules, catalog: catalog, timeZone: timeZone, currencyMinorUnits: currencyMinorUnits
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

/// One engine's counts of one shape.
struct BenchTiming: Encodable {
    let count: Int
    let p50: Double
    let p95: Double
    let max: Double
    let mean: Double
    let samples: [Double]

    enum CodingKeys: String, CodingKey {
        case count, max, mean
        case p50 = "p50_ms", p95 = "p95_ms", samples = "samples_ms"
    }

    init(count: Int, samples: [Double]) {
        let sorted = samples.sorted()
        // Nearest rank: the smallest sample at or above the given share of all samples.
        func rank(_ share: Double) -> Double { sorted[Swift.max(0, Int((share * Double(sorted.count)).rounded(.up)) - 1)] }
        self.count = count
        self.p50 = rank(0.5)
        self.p95 = rank(0.95)
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

    enum CodingKeys: String, CodingKey {
        case engine, workspace, contacts, runs, warmups, at, index, shapes
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
