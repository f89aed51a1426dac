import Foundation

/// Runs a command-line checker (qpdf, pdftotext, python3) found on PATH. A missing tool is an error that says how to
/// install it: these tests must fail, not skip, on a machine without them.
enum ExternalTool {
    struct Missing: Error, CustomStringConvertible {
        let name: String
        var description: String {
            "\(name) is not installed: run `apt-get install -y qpdf poppler-utils` (scripts/test.sh installs them)"
        }
    }

    static func path(_ name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return (directories + ["/usr/bin", "/usr/local/bin"]).map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ name: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        guard let executable = path(name) else { throw Missing(name: name) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
