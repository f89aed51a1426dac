import ArgumentParser
import Foundation
import HeraldApp
import Storage

struct AnalyticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics", abstract: "Maintain the analytics rollups (docs/analytics.md).", subcommands: [Rebuild.self]
    )

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the rollup cells from raw events, or with --verify compare them and print every difference.",
            discussion: "Safe while servers run: each campaign is rebuilt in one transaction that keeps its incremental writers out."
        )
        @Option(help: "Only this workspace (by name).") var workspace: String?
        @Option(help: "Only this campaign (by id).") var campaign: String?
        @Flag(help: "Write nothing; print each cell whose stored numbers differ from the events, and exit 1 if any does.")
        var verify = false
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let (_, database) = try await openMigrated(options)
            var workspaceID: UUID?
            if let workspace {
                guard let found = try await WorkspaceStore(database: database).find(name: workspace) else {
                    FileHandle.standardError.write(Data("herald: workspace '\(workspace)' does not exist\n".utf8))
                    throw ExitCode.failure
                }
                workspaceID = found.id
            }
            var campaignID: UUID?
            if let campaign {
                guard let id = UUID(uuidString: campaign) else { throw ValidationError("--campaign must be a campaign id") }
                campaignID = id
            }
            let rollups = RollupRebuild(database: database)
            if verify {
                let differences = try await rollups.verify(workspaceID: workspaceID, campaignID: campaignID)
                for difference in differences { print(difference) }
                await database.close()
                if !differences.isEmpty { throw ExitCode.failure }
                return
            }
            let started = ContinuousClock.now
            let count = try await rollups.rebuild(workspaceID: workspaceID, campaignID: campaignID)
            await database.close()
            print("rebuilt the rollups of \(count) campaign(s) in \(ContinuousClock.now - started)")
        }
    }
}
