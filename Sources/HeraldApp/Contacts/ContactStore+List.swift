import Contacts
import Foundation
import SQLKit
import Storage

/// One page of contacts and the cursor of the next one.
public struct ContactPage: Sendable, Encodable {
    public let data: [Contact]
    public let nextCursor: String?
    enum CodingKeys: String, CodingKey {
        case data
        case nextCursor = "next_cursor"
    }
}

/// Where a page of contacts starts: after a phone number (contacts with a phone come first, by phone, which is unique),
/// or after an id among the contacts without a phone, which follow.
enum ContactCursor: Equatable {
    case phone(String)
    case id(UUID)

    /// Base64 of `+…` or `id:<uuid>`; cursors of the phone-only era (`+…`) stay valid.
    var encoded: String {
        switch self {
        case .phone(let phone): Data(phone.utf8).base64EncodedString()
        case .id(let id): Data(("id:" + id.uuidString.lowercased()).utf8).base64EncodedString()
        }
    }

    init(decoding cursor: String) throws(APIError) {
        let text = Data(base64Encoded: cursor).flatMap { String(data: $0, encoding: .utf8) }
        if let text, text.hasPrefix("+") {
            self = .phone(text)
        } else if let text, text.hasPrefix("id:"), let id = UUID(uuidString: String(text.dropFirst(3))) {
            self = .id(id)
        } else {
            throw APIError(.badRequest, "invalid_cursor", "the cursor is not one this API returned", field: "cursor")
        }
    }
}

extension ContactStore {
    /// Contacts with a phone ordered by it, then those without one ordered by id (both unique, so keyset paging is
    /// stable), optionally filtered by a prefix of the name, phone, email or username, or an exact BSUID.
    public func list(workspaceID: UUID, search: String?, limit: Int, cursor: String?) async throws -> ContactPage {
        let after = try cursor.map { cursor throws(APIError) in try ContactCursor(decoding: cursor) }
        var filter: SQLQueryString = ""
        if let search = search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            filter = " AND (\(searchCondition(search)))"
        }
        let base: SQLQueryString = "SELECT \(columns()) FROM contacts WHERE workspace_id = \(bind: workspaceID)\(filter)"
        var contacts: [Contact] = []
        if case .id = after {
        } else {
            let start: SQLQueryString = if case .phone(let phone) = after { " AND phone > \(bind: phone)" } else { " AND phone IS NOT NULL" }
            let query: SQLQueryString = "\(base)\(start) ORDER BY phone LIMIT \(bind: limit + 1)"
            contacts = try await database.read { sql in try await sql.raw(query).all().map(Self.decode) }
        }
        if contacts.count <= limit {
            let start: SQLQueryString = if case .id(let id) = after { " AND id > \(bind: id)" } else { "" }
            let query: SQLQueryString = "\(base) AND phone IS NULL\(start) ORDER BY id LIMIT \(bind: limit + 1 - contacts.count)"
            contacts += try await database.read { sql in try await sql.raw(query).all().map(Self.decode) }
        }
        var next: String?
        if contacts.count > limit {
            contacts.removeLast()
            next = contacts.last.map { ($0.phone.map(ContactCursor.phone) ?? .id($0.id)).encoded }
        }
        return ContactPage(data: contacts, nextCursor: next)
    }

    /// Name, email and username by prefix (a leading `@` is ignored), a phone by its digits, a BSUID exactly.
    func searchCondition(_ search: String) -> SQLQueryString {
        var condition: SQLQueryString = "\(dialect.prefixMatch("name", search)) OR \(dialect.prefixMatch("email", search.lowercased()))"
        let digits = search.filter(\.isNumber)
        if !digits.isEmpty, search.allSatisfy({ $0.isNumber || "+ -().".contains($0) }) {
            condition.appendInterpolation(" OR \(dialect.prefixMatch("phone", "+" + digits))" as SQLQueryString)
        }
        if let username = try? WhatsAppUsername.normalise(search) {
            condition.appendInterpolation(" OR \(dialect.prefixMatch("username", username))" as SQLQueryString)
        }
        if let bsuid = try? BusinessScopedUserID.parse(search) {
            condition.appendInterpolation(" OR bsuid = \(bind: bsuid.value)" as SQLQueryString)
        } else if let parent = try? BusinessScopedUserID.parseParent(search) {
            condition.appendInterpolation(" OR parent_bsuid = \(bind: parent.value)" as SQLQueryString)
        }
        return condition
    }

    public func count(workspaceID: UUID, search: String?) async throws -> Int {
        var query: SQLQueryString = "SELECT COUNT(*) AS n FROM contacts WHERE workspace_id = \(bind: workspaceID)"
        if let search = search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            query.appendInterpolation(" AND (\(searchCondition(search)))" as SQLQueryString)
        }
        let finalQuery = query
        return try await database.read { sql in try await sql.raw(finalQuery).first()?.decode(column: "n", as: Int.self) ?? 0 }
    }
}
