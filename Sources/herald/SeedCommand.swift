import ArgumentParser
import Foundation
import HeraldApp
import Storage

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill an empty workspace with realistic demo contacts, orders, campaign messages and their events.",
        discussion: """
            Generates a product catalog (12 categories, 200 products), past campaigns, and contacts from 16 countries with \
            orders, and the campaigns' WhatsApp messages with their events. Runs with the same --seed and counts into a workspace of the same name and \
            currency on the same UTC day produce identical data, ids included.
            """
    )
    @Option(help: "Name of the workspace to fill.") var workspace: String
    @Option(help: "How many contacts to create.") var contacts: Int
    @Option(name: .customLong("orders-per-contact"), help: "Average orders per contact (many contacts have none).")
    var ordersPerContact: Double = 5
    @Option(name: .customLong("events-per-contact"), help: "Average message events per contact (some contacts never engage).")
    var eventsPerContact: Double = 20
    @Option(help: "Seed of the generator; the same seed gives the same data.") var seed: UInt64 = 1
    @Flag(name: .customLong("create-workspace"), help: "Create the workspace if it does not exist, and print its API key.")
    var createWorkspace = false
    @OptionGroup var options: ConfigOptions

    func validate() throws {
        guard (1...Seeder.maxContacts).contains(contacts) else {
            throw ValidationError("--contacts must be between 1 and \(Seeder.maxContacts)")
        }
        guard (0...200).contains(ordersPerContact) else { throw ValidationError("--orders-per-contact must be between 0 and 200") }
        guard (0...1000).contains(eventsPerContact) else { throw ValidationError("--events-per-contact must be between 0 and 1000") }
    }

    func run() async throws {
        let (_, database) = try await openMigrated(options)
        let reporter = SeedProgressReporter(interactive: isatty(STDERR_FILENO) == 1)
        do {
            let store = WorkspaceStore(database: database)
            let target: Workspace
            if let found = try await store.find(name: workspace) {
                target = found
            } else if createWorkspace {
                let (created, key) = try await store.create(name: workspace)
                print("created workspace \(created.name) (\(created.id.uuidString.lowercased()))")
                print("API key (store it now, it is not shown again): \(key)")
                target = created
            } else {
                throw SeedError.invalidArgument("workspace '\(workspace)' does not exist; pass --create-workspace to create it")
            }
            let summary = try await Seeder(database: database, workspaceID: target.id, seed: seed).run(
                contacts: contacts, ordersPerContact: ordersPerContact, eventsPerContact: eventsPerContact,
                progress: { reporter.report($0) }
            )
            reporter.finish()
            await database.close()
            let n = SeedProgressReporter.grouped
            print(
                "seeded workspace \(target.name): \(n(summary.contacts)) contacts, \(n(summary.orders)) orders, "
                    + "\(n(summary.orderLines)) order lines, \(n(summary.messages)) messages with \(n(summary.events)) events "
                    + "(plus \(summary.categories) categories, \(summary.products) products, \(summary.campaigns) campaigns) "
                    + "in \(String(format: "%.1f", summary.elapsed)) s, \(n(Int(summary.rowsPerSecond))) rows/s"
            )
        } catch let error as SeedError {
            reporter.finish()
            await database.close()
            FileHandle.standardError.write(Data("herald: \(error.description)\n".utf8))
            throw ExitCode.failure
        } catch let error as APIError {
            reporter.finish()
            await database.close()
            FileHandle.standardError.write(Data("herald: \(error.message)\n".utf8))
            throw ExitCode.failure
        } catch {
            reporter.finish()
            await database.close()
            FileHandle.standardError.write(Data("herald: seeding failed: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// Draws seeding progress on standard error: a redrawn bar on a terminal, a line per tenth otherwise.
final class SeedProgressReporter: @unchecked Sendable {
    private let interactive: Bool
    private let lock = NSLock()
    private var lastTenth = -1
    private var drewBar = false

    init(interactive: Bool) { self.interactive = interactive }

    func report(_ progress: SeedProgress) {
        lock.lock()
        defer { lock.unlock() }
        let rate = Int(progress.contactsPerSecond)
        let eta = progress.secondsLeft.map(Self.clock) ?? "–"
        let counts = "\(Self.grouped(progress.contactsDone))/\(Self.grouped(progress.contactsTotal)) contacts"
        if interactive {
            let width = 30
            let filled = min(width, Int(progress.fraction * Double(width)))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let percent = Int(progress.fraction * 100)
            write("\r\u{1B}[K[\(bar)] \(percent)% \(counts)  \(Self.grouped(rate))/s ETA \(eta)")
            drewBar = true
        } else {
            let tenth = Int(progress.fraction * 10)
            guard tenth > lastTenth else { return }
            lastTenth = tenth
            write(
                "seed: \(tenth * 10)% \(counts), \(Self.grouped(progress.orders)) orders, "
                    + "\(Self.grouped(progress.events)) events, \(Self.grouped(rate)) contacts/s\n"
            )
        }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drewBar { write("\n") }
        drewBar = false
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    /// 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    /// Seconds as m:ss or h:mm:ss.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(secs))" : "\(minutes):\(two(secs))"
    }
}
