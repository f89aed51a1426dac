import Crypto
import Foundation

/// The key that encrypts secrets Herald stores (access tokens, app secrets) with AES-GCM.
///
/// Each sealed value is bound to the row and column it is stored in (as AES-GCM additional
/// authenticated data), so a value copied to another account or another column does not open.
public struct SecretKey: Sendable {
    private let bytes: Data
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// Marks values sealed with their place; older values carry no prefix (base64 has no `:`).
    static let boundPrefix = "v2:"

    public init?(base64: String) {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
            return nil
        }
        bytes = data
    }

    public static func random() -> SecretKey {
        SecretKey(base64: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() })!
    }

    /// The key as the key file holds it.
    var base64: String { bytes.base64EncodedString() }

    /// Encrypts a secret for storage in `place`; the result is `v2:` and base64 of nonce, ciphertext and tag.
    public func seal(_ plaintext: String, for place: SealedPlace) throws -> String {
        Self.boundPrefix + (try AES.GCM.seal(Data(plaintext.utf8), using: key, authenticating: place.authenticatedData).combined!.base64EncodedString())
    }

    /// Opens a value sealed for `place`; fails for a value sealed anywhere else, or sealed before places were bound.
    public func open(_ sealed: String, for place: SealedPlace) throws -> String {
        guard sealed.hasPrefix(Self.boundPrefix) else { throw CryptoKitError.authenticationFailure }
        return try open(combined: String(sealed.dropFirst(Self.boundPrefix.count)), authenticating: place.authenticatedData)
    }

    /// Whether `sealed` was written before values were bound to their place (and should be sealed again).
    static func isUnbound(_ sealed: String) -> Bool { !sealed.hasPrefix(boundPrefix) }

    /// Opens a value sealed before values were bound to their place.
    func openUnbound(_ sealed: String) throws -> String {
        try open(combined: sealed, authenticating: Data())
    }

    private func open(combined: String, authenticating data: Data) throws -> String {
        guard let combined = Data(base64Encoded: combined) else { throw CryptoKitError.incorrectParameterSize }
        let box = try AES.GCM.SealedBox(combined: combined)
        return String(decoding: try AES.GCM.open(box, using: key, authenticating: data), as: UTF8.self)
    }
}

/// Where a sealed secret is stored: its table, column and row.
public struct SealedPlace: Sendable, Equatable {
    /// What the sealed value is bound to: `herald/<table>/<column>/<row id>`.
    let authenticatedData: Data

    public init(table: String, column: String, rowID: UUID) {
        authenticatedData = Data("herald/\(table)/\(column)/\(rowID.uuidString.lowercased())".utf8)
    }
}
