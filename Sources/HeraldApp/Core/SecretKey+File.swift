import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SecretKey {
    /// Reads `secret.key` from the data folder, or writes a new random one (mode 0600) when there is none.
    ///
    /// A key file that exists but cannot be read, or does not hold a key, stops start-up: replacing it
    /// would make every secret sealed with it unreadable.
    public static func loadOrCreate(in dataDirectory: String) throws -> SecretKey {
        let path = (dataDirectory as NSString).appendingPathComponent("secret.key")
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw ConfigError("HERALD_SECRET_KEY", "is not set and the data folder \(dataDirectory) could not be created: \(error.localizedDescription)")
        }
        let key = SecretKey.random()
        switch try createExclusively(path, contents: key.base64 + "\n") {
        case .created: return key
        case .exists: return try read(path)
        }
    }

    static func read(_ path: String) throws -> SecretKey {
        let keep = "Herald does not replace it, as the secrets sealed with it would be lost: fix it, or set HERALD_SECRET_KEY to the key"
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ConfigError("HERALD_SECRET_KEY", "key file \(path) cannot be read (\(Self.reason(error))). \(keep)")
        }
        guard let text = String(data: data, encoding: .utf8), let key = SecretKey(base64: text) else {
            throw ConfigError("HERALD_SECRET_KEY", "key file \(path) does not hold a key (32 bytes in base64). \(keep)")
        }
        return key
    }

    enum Creation { case created, exists }

    /// Creates `path` only if nothing is there, mode 0600. The key is written and flushed to a file of its own first
    /// and then linked into place (`link(2)` fails if the name exists), so two servers starting together keep one key
    /// and neither can read a half-written file.
    static func createExclusively(_ path: String, contents: String) throws -> Creation {
        let temporary = path + ".new-" + UUID().uuidString.lowercased()
        let fd = openExclusively(temporary)
        guard fd >= 0 else {
            throw ConfigError("HERALD_SECRET_KEY", "is not set and \(path) could not be created: \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let flushed = written == bytes.count && fchmod(fd, 0o600) == 0 && fsync(fd) == 0
        let writeError = errno
        close(fd)
        guard flushed else {
            throw ConfigError("HERALD_SECRET_KEY", "is not set and \(path) could not be written: \(String(cString: strerror(writeError)))")
        }
        if link(temporary, path) == 0 { return .created }
        let code = errno
        if code == EEXIST { return .exists }
        throw ConfigError("HERALD_SECRET_KEY", "is not set and \(path) could not be created: \(String(cString: strerror(code)))")
    }

    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription.replacingOccurrences(of: "\n", with: " ")
    }
}

/// `open(2)` for a new file only; outside `SecretKey`, whose `open` methods would hide it.
private func openExclusively(_ path: String) -> Int32 {
    open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
}
