import ArgumentParser
import Foundation
import HeraldApp
import Storage

/// Times the analytics dashboards from rollups beside the same figures scanned from raw events (docs/benchmarks.md).
struct AnalyticsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract: "Time overview and campaign metrics from the rollups beside a scan of raw events, on a seeded workspace.",
        discussion: """
            Each case runs --warmups times untimed, then --runs rollup reads and --scan-runs scans interleaved; the two must \
            give the same counts or the run fails. Run `herald analytics rebuild` after seeding (a server does it on its own).
            """
    )
    @Option(help: "Name of the (seeded) workspace.") var workspace: String
    @Option(help: "Timed rollup reads per case.") var runs: Int = 30
    @Option(help: "Untimed rollup reads per case first.") var warmups: Int = 3
    @Option(name: .customLong("scan-runs"), help: "Timed scans of raw events per case.") var scanRuns: Int = 5
    @Option(help: "Also write the results as JSON to this file.") var json: String?
    @OptionGroup var options: ConfigOptions

    func validate() throws {
        guard runs > 0, scanRuns > 0, warmups >= 0 else { throw ValidationError("--runs and --scan-runs must be positive, --warmups not negative") }
    }

    func run() async throws {
        let config = try options.resolve()
        let database = try await Database.open(config.databaseURL, logger: Logging.logger(config))
        do {
            guard let target = try await WorkspaceStore(database: database).find(name: workspace) else {
                throw ValidationError("workspace '\(workspace)' does not exist")
            }
            let results = try await AnalyticsBenchmark(database: database).run(workspaceID: target.id, runs: runs, warmups: warmups, scanRuns: scanRuns)
            print("engine \(database.kind == .postgres ? "postgresql" : "sqlite"), workspace \(target.name), \(runs) rollup reads and \(scanRuns) scans per case")
            for r in results {
                func stats(_ values: [Double]) -> String {
                    let s = values.sorted()
                    func p(_ q: Double) -> Double { s[min(s.count - 1, Int((Double(s.count) * q).rounded(.up)) - 1)] }
                    return String(format: "p50 %8.2f ms  p95 %8.2f ms  max %8.2f ms", p(0.5), p(0.95), s.last!)
                }
                print("\(r.name)  (sent \(r.counts[0]), delivered \(r.counts[1]), read \(r.counts[2]), clicks \(r.counts[4]))")
                print("  rollups: \(stats(r.rollupMilliseconds))")
                print("  scan:    \(stats(r.scanMilliseconds))")
            }
            if let json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(results).write(to: URL(fileURLWithPath: json))
            }
            await database.close()
        } catch {
            await database.close()
            FileHandle.standardError.write(Data("herald: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
