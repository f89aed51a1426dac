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

/// Times segment preview counts (`SQLSegmentEvaluator.count()`) for fixed rule shapes, one after another.
struct SegmentsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "Time segment preview counts for a set of rule shapes on a seeded workspace.",
        discussion: """
            Each shape is compiled once, counted --warmups times untimed and then --runs times timed. Prints p50, p95 and \
            max per shape with the matching count. Does not migrate: run `herald migrate` first to measure the current schema.
            """
    )
    @Option(help: "Name of the (seeded) workspace.") var workspace: String
    @Option(help: "Timed counts per shape.") var runs: Int = 30
    @Option(help: "Untimed counts per shape before the timed ones.") var warmups: Int = 3
    @Option(
        name: .customLong("shape"), help: "Only these shapes (repeatable); default: all. Ids: \(BenchShape.all.map(\.id).joined(separator: ", ")).")
    var only: [String] = []
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
        let engine = database.kind == .postgres ? "postgresql" : "sqlite"
        print(
            "\(engine), workspace \(target.name): \(SeedProgressReporter.grouped(setup.contacts)) contacts; schema version \(schema) of \(Migrator().latestVersion)"
        )
        if !explain { print("runs \(runs) after \(warmups) warm-up(s), milliseconds per count()") }

        var results: [BenchResult] = []
        for shape in BenchShape.all where only.isEmpty || only.contains(shape.id) {
            let evaluator = try setup.evaluator(for: shape, database: database)
            if explain {
                try await BenchExplain.print(shape, evaluator)
                continue
            }
            for _ in 0..<warmups { _ = try await evaluator.count() }
            var samples: [Double] = []
            var matched = 0
            let clock = ContinuousClock()
            for _ in 0..<runs {
                let started = clock.now
                matched = try await evaluator.count()
                let elapsed = clock.now - started
                samples.append(elapsed.milliseconds)
            }
            let result = BenchResult(shape: shape, count: matched, samples: samples)
            results.append(result)
            print(result.line(contacts: setup.contacts))
        }
        if let json, !explain {
            let report = BenchReport(
                engine: engine, workspace: target.name, contacts: setup.contacts, schemaVersion: schema, runs: runs, warmups: warmups,
                at: Date(), shapes: results
            )
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
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

    func evaluator(for shape: BenchShape, database: Database) throws -> SQLSegmentEvaluator {
        var text = shape.rules
        if let name = shape.category {
            guard let category = categories[name] else {
                throw ValidationError("shape \(shape.id) needs category '\(name)', which the workspace lacks")
            }
            text = text.replacingOccurrences(of: "$CATEGORY", with: category.uuidString.lowercased())
        }
        do {
            let rules = try RuleParser.parse(try RuleValue.parse(Data(text.utf8)))
            return try SQLSegmentEvaluator(
                database: database, workspaceID: workspaceID, rules: rules, catalog: catalog, timeZone: timeZone,
                currencyMinorUnits: currencyMinorUnits
            )
        } catch let problems as RuleProblems {
            throw ValidationError("shape \(shape.id): \(problems)")
        }
    }
}

struct BenchResult: Encodable {
    let id: String
    let title: String
    let count: Int
    let p50: Double
    let p95: Double
    let max: Double
    let mean: Double
    let samples: [Double]

    enum CodingKeys: String, CodingKey {
        case id, title, count, max, mean
        case p50 = "p50_ms", p95 = "p95_ms", samples = "samples_ms"
    }

    init(shape: BenchShape, count: Int, samples: [Double]) {
        let sorted = samples.sorted()
        // Nearest rank: the smallest sample at or above the given share of all samples.
        func rank(_ share: Double) -> Double { sorted[Swift.max(0, Int((share * Double(sorted.count)).rounded(.up)) - 1)] }
        self.id = shape.id
        self.title = shape.title
        self.count = count
        self.p50 = rank(0.5)
        self.p95 = rank(0.95)
        self.max = sorted.last ?? 0
        self.mean = samples.reduce(0, +) / Double(Swift.max(samples.count, 1))
        self.samples = samples
    }

    func line(contacts: Int) -> String {
        let share = contacts > 0 ? Double(count) / Double(contacts) * 100 : 0
        func ms(_ value: Double) -> String { String(format: "%9.1f", value) }
        let name = id.padding(toLength: 22, withPad: " ", startingAt: 0)
        let matched = SeedProgressReporter.grouped(count)
        return "\(name) p50 \(ms(p50))  p95 \(ms(p95))  max \(ms(max))  count \(matched) (\(String(format: "%.1f", share)) %)"
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
    let shapes: [BenchResult]

    enum CodingKeys: String, CodingKey {
        case engine, workspace, contacts, runs, warmups, at, shapes
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
