import Foundation
import SQLKit
import WhatsApp

/// What the console's "Test connection" found: the same call as `POST /api/whatsapp/accounts/{id}/test`.
struct ConnectionTest {
    let services: MessagingServices

    func run(_ account: WhatsAppAccount) async throws -> (ok: Bool, message: String) {
        do {
            let client = CloudAPIClient(
                httpClient: services.httpClient,
                endpoint: account.endpoint,
                credentials: try await services.accounts.credentials(account),
                timeout: .seconds(5)
            )
            let info = try await client.phoneNumberInfo()
            let name = info.verifiedName.map { " (\($0))" } ?? ""
            let quality = info.qualityRating.map { ", quality \($0)" } ?? ""
            return (true, "Connected to \(info.displayPhoneNumber ?? account.phoneNumberID)\(name)\(quality).")
        } catch {
            return (false, CloudAPIFailure.summary(error, baseURL: account.apiBaseURL))
        }
    }
}

/// Saves the workspace's opt-out and opt-in words with the checks of `PUT /api/settings/consent-keywords`.
struct ConsentKeywordsUpdate {
    let services: MessagingServices

    func current(workspaceID: UUID) async throws -> ConsentKeywords {
        let d = services.database.dialect
        return try await services.database.read { sql in try await ConsentChange.keywords(workspaceID: workspaceID, dialect: d, in: sql) }
    }

    /// One word or phrase a line; blank lines are ignored.
    static func lines(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func save(workspaceID: UUID, optOut: [String], optIn: [String]) async throws -> ConsentKeywords {
        for (key, words) in [("opt_out", optOut), ("opt_in", optIn)] {
            guard !words.isEmpty, words.count <= 100, words.allSatisfy({ $0.count <= 40 }) else {
                throw APIError.invalid(key, "give 1 to 100 words or phrases, one a line, each at most 40 characters")
            }
        }
        if let clash = Set(optOut.map { $0.lowercased() }).intersection(optIn.map { $0.lowercased() }).first {
            throw APIError.invalid("opt_in", "\"\(clash)\" cannot both opt out and opt in")
        }
        let keywords = ConsentKeywords(optOut: optOut, optIn: optIn)
        let d = services.database.dialect
        let json = String(decoding: try JSONEncoder().encode(keywords), as: UTF8.self)
        try await services.database.transaction { sql in
            try await sql.raw(
                "UPDATE workspaces SET opt_out_keywords = \(d.json(json)), updated_at = \(bind: Date()) WHERE id = \(bind: workspaceID)"
            ).run()
        }
        return keywords
    }
}
