import Foundation
import SQLKit
import Segments
import Storage

/// A saved segment: a name, its rules, and how its membership is kept.
///
/// A `static` segment's members are the snapshot taken when it was saved or last refreshed on request;
/// a `dynamic` one is evaluated whenever it is used, and its `contact_count` is kept current by the
/// background refresh.
public struct Segment: Sendable, Encodable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case `static`, dynamic }

    public var id: UUID
    public var workspaceID: UUID
    public var name: String
    public var description: String?
    public var kind: Kind
    public var rules: RuleNode
    public var contactCount: Int
    public var refreshedAt: Date?
    public var refreshMs: Double?
    public var refreshError: String?
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, description, kind, rules
        case contactCount = "contact_count", refreshedAt = "refreshed_at", refreshMs = "refresh_ms", refreshError = "refresh_error"
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(description, forKey: .description)
        try c.encode(kind, forKey: .kind)
        try c.encode(rules, forKey: .rules)
        try c.encode(contactCount, forKey: .contactCount)
        try c.encode(refreshedAt.map(ISODate.format), forKey: .refreshedAt)
        try c.encode(refreshMs.map { ($0 * 10).rounded() / 10 }, forKey: .refreshMs)
        try c.encode(refreshError, forKey: .refreshError)
        try c.encode(ISODate.format(createdAt), forKey: .createdAt)
        try c.encode(ISODate.format(updatedAt), forKey: .updatedAt)
    }

    static func columns(_ d: Dialect) -> SQLQueryString {
        """
        id, workspace_id, name, description, kind, \(d.jsonText("rules")) AS rules, contact_count, refreshed_at, refresh_ms, refresh_error,
        created_at, updated_at
        """
    }

    static func decode(_ row: any SQLRow) throws -> Segment {
        let rulesText = try row.decode(column: "rules", as: String.self)
        return Segment(
            id: try row.decode(column: "id", as: UUID.self), workspaceID: try row.decode(column: "workspace_id", as: UUID.self),
            name: try row.decode(column: "name", as: String.self), description: try row.decode(column: "description", as: String?.self),
            kind: Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .dynamic,
            rules: try JSONDecoder().decode(RuleNode.self, from: Data(rulesText.utf8)),
            contactCount: try row.decode(column: "contact_count", as: Int.self), refreshedAt: try row.decode(column: "refreshed_at", as: Date?.self),
            refreshMs: try row.decode(column: "refresh_ms", as: Double?.self), refreshError: try row.decode(column: "refresh_error", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self), updatedAt: try row.decode(column: "updated_at", as: Date.self)
        )
    }

    static func rulesJSON(_ rules: RuleNode) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(rules)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// A contact as segment previews and member lists show it. `username` and `bsuid` let a list label a contact that has
/// neither a name nor a phone.
struct ContactSummary: Sendable, Encodable {
    let id: UUID
    let name: String?
    let phone: String?
    let username: String?
    let bsuid: String?
    let email: String?
    let country: String?
    let consent_status: String

    static func load(_ ids: [UUID], workspaceID: UUID, in sql: any SQLDatabase) async throws -> [ContactSummary] {
        guard !ids.isEmpty else { return [] }
        let list = ids.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")
        let rows = try await sql.raw(
            """
            SELECT id, name, phone, username, bsuid, email, country, consent_status FROM contacts
            WHERE workspace_id = \(bind: workspaceID) AND id IN (\(list))
            """
        ).all()
        var byID: [UUID: ContactSummary] = [:]
        for row in rows {
            let summary = ContactSummary(
                id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String?.self),
                phone: try row.decode(column: "phone", as: String?.self), username: try row.decode(column: "username", as: String?.self),
                bsuid: try row.decode(column: "bsuid", as: String?.self), email: try row.decode(column: "email", as: String?.self),
                country: try row.decode(column: "country", as: String?.self), consent_status: try row.decode(column: "consent_status", as: String.self)
            )
            byID[summary.id] = summary
        }
        return ids.compactMap { byID[$0] }
    }
}
