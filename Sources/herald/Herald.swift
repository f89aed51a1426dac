import ArgumentParser
import HeraldApp

@main
struct Herald: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Herald: a self-hosted WhatsApp marketing suite.",
        discussion: "Every option can also be set with the HERALD_* environment variable named in its help.",
        subcommands: [Serve.self, Demo.self, SimulatorCommand.self, Migrate.self, WorkspaceCommand.self, UserCommand.self, Seed.self, Bench.self, AnalyticsCommand.self]
    )
}
