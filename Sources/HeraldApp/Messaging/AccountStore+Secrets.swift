import Foundation
import SQLKit
import Storage

/// The sealed columns of `whatsapp_accounts`; each value is sealed for its own column and row.
enum SecretColumn: String, CaseIterable {
    case accessToken = "access_token_sealed"
    case appSecret = "app_secret_sealed"
    case verifyToken = "verify_token_sealed"
}

extension AccountStore {
    func seal(_ plaintext: String, _ column: SecretColumn, _ accountID: UUID) throws -> String {
        try secretKey.seal(plaintext, for: Self.place(column, accountID))
    }

    /// Opens a sealed value. One sealed before values were bound to their place is opened once
    /// without the binding and stored again sealed for its place.
    func open(_ sealed: String, _ column: SecretColumn, _ accountID: UUID) async throws -> String {
        guard SecretKey.isUnbound(sealed) else { return try secretKey.open(sealed, for: Self.place(column, accountID)) }
        let plaintext = try secretKey.openUnbound(sealed)
        let bound = try seal(plaintext, column, accountID)
        try await database.transaction { sql in
            // Only if nobody replaced the value meanwhile.
            try await sql.update("whatsapp_accounts").set(SQLIdentifier(column.rawValue), to: bound)
                .where("id", .equal, accountID).where(SQLIdentifier(column.rawValue), .equal, sealed).run()
        }
        return plaintext
    }

    static func place(_ column: SecretColumn, _ accountID: UUID) -> SealedPlace {
        SealedPlace(table: "whatsapp_accounts", column: column.rawValue, rowID: accountID)
    }
}
