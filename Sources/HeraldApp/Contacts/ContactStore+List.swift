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

extension ContactStore {
    /// Contacts ordered by phone number (unique, so the order is stable for keyset paging), optionally
    /// filtered by a prefix of the name, phone or email.
    public func list(workspaceID: UUID, search: String?, limit: Int, cursor: String?) async throws -> ContactPage {
        var query: SQLQueryString = "SELECT \(columns()) FROM contacts WHERE workspace_id = \(bind: workspaceID)"
        if let after = try cursor.map(Self.decodeCursor) {
            query.appendInterpolation(" AND phone > \(bind: after)" as SQLQueryString)
        }
        if let search = search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            query.appendInterpolation(" AND (\(searchCondition(search)))" as SQLQueryString)
        }
        query.appendInterpolation(" ORDER BY phone LIMIT \(bind: limit + 1)" as SQLQueryString)
        let finalQuery = query
        var contacts = try await database.read { sql in try await sql.raw(finalQuery).all().map(Self.decode) }
        var next: String?
        if contacts.count > limit {
            contacts.removeLast()
            next = contacts.last.map { Self.encodeCursor($0.phone) }
        }
        return ContactPage(data: contacts, nextCursor: next)
    }

    func searchCondition(_ search: String) -> SQLQueryString {
        var condition: SQLQueryString = "\(dialect.prefixMatch("name", search)) OR \(dialect.prefixMatch("email", search.lowercased()))"
        let digits = search.filter(\.isNumber)
        if !digits.isEmpty, search.allSatisfy({ $0.isNumber || "+ -().".contains($0) }) {
            condition.appendInterpolation(" OR \(dialect.prefixMatch("phone", "+" + digits))" as SQLQueryString)
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

    static func encodeCursor(_ phone: String) -> String {
        Data(phone.utf8).base64EncodedString()
    }

    static func decodeCursor(_ cursor: String) throws -> String {
        guard let data = Data(base64Encoded: cursor), let phone = String(data: data, encoding: .utf8), phone.hasPrefix("+") else {
            throw APIError(.badRequest, "invalid_cursor", "the cursor is not one this API returned", field: "cursor")
        }
        return phone
    }
}
