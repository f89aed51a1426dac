import Crypto
import Foundation

/// The key that encrypts secrets Herald stores (access tokens, app secrets) with AES-GCM.
public struct SecretKey: Sendable {
    private let bytes: Data
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    public init?(base64: String) {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
            return nil
        }
        bytes = data
    }

    public static func random() -> SecretKey {
        SecretKey(base64: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() })!
    }

    /// Reads `secret.key` from the data folder, writing a new random one (mode 0600) on first run.
    public static func loadOrCreate(in dataDirectory: String) throws -> SecretKey {
        let path = (dataDirectory as NSString).appendingPathComponent("secret.key")
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let key = SecretKey(base64: text) else { throw ConfigError("HERALD_SECRET_KEY", "file \(path) is corrupt") }
            return key
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let key = SecretKey.random()
        let text = key.key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigError("HERALD_SECRET_KEY", "could not be written to \(path)")
        }
        return key
    }

    /// Encrypts a secret for storage; the result is base64 of nonce, ciphertext and tag.
    public func seal(_ plaintext: String) throws -> String {
        try AES.GCM.seal(Data(plaintext.utf8), using: key).combined!.base64EncodedString()
    }

    public func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw CryptoKitError.incorrectParameterSize }
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
    }
}
