import Foundation
import SQLKit
import Storage

/// Reads and writes contacts, always inside one workspace.
public struct ContactStore: Sendable {
    let database: Database
    var dialect: Dialect { database.dialect }

    func columns() -> SQLQueryString {
        """
        id, phone, bsuid, parent_bsuid, username, name, email, country, language, city, \(dialect.jsonText("tags")) AS tags,
        \(dialect.jsonText("attributes")) AS attributes, consent_status, consent_source, consent_at, created_at, updated_at
        """
    }

    public func get(workspaceID: UUID, id: UUID) async throws -> Contact {
        let cols = columns()
        let row = try await database.read { sql in
            try await sql.raw("SELECT \(cols) FROM contacts WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first()
        }
        guard let row else { throw APIError.notFound("contact") }
        return try Self.decode(row)
    }

    func rules(workspaceID: UUID) async throws -> ContactRules {
        let workspace = try await WorkspaceStore(database: database).find(id: workspaceID)
        let fields = try await CustomFieldStore(database: database).list(workspaceID: workspaceID)
        return ContactRules(defaultCountry: workspace?.defaultCountry, fields: Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0) }))
    }

    /// Creates a contact from an input that has a phone or a BSUID (``ContactInput/parse(_:rules:requireIdentity:)``).
    public func create(workspaceID: UUID, input: ContactInput) async throws -> Contact {
        let now = Date()
        var contact = Self.blank(now: now)
        input.apply(to: &contact, now: now)
        guard contact.phone != nil || contact.bsuid != nil else {
            throw APIError.invalid("phone", "a contact needs a phone number or a WhatsApp user ID (bsuid)", code: "required")
        }
        let created = contact
        try await database.transaction { sql in
            if let conflict = try await ContactIdentities(matching(sql, workspaceID: workspaceID, [created])).conflict(created) { throw conflict }
            try await insert(sql, workspaceID: workspaceID, [created])
            try await ConsentHistory.record(
                workspaceID: workspaceID, [ConsentHistory.change(from: nil, to: created, channel: .api)].compactMap { $0 }, in: sql
            )
        }
        return created
    }

    public func update(workspaceID: UUID, id: UUID, input: ContactInput) async throws -> Contact {
        let cols = columns()
        return try await database.transaction { sql in
            guard let row = try await sql.raw("SELECT \(cols) FROM contacts WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first() else {
                throw APIError.notFound("contact")
            }
            let previous = try Self.decode(row)
            var contact = previous
            input.apply(to: &contact, now: Date())
            if contact.phone == nil, contact.bsuid == nil {
                throw APIError.invalid(
                    input.bsuid != nil ? "bsuid" : "phone", "the last identifier cannot be removed: a contact needs a phone number or a BSUID",
                    code: "required"
                )
            }
            if let conflict = try await ContactIdentities(matching(sql, workspaceID: workspaceID, [contact])).conflict(contact) { throw conflict }
            try await write(sql, workspaceID: workspaceID, contact)
            try await ConsentHistory.record(
                workspaceID: workspaceID, [ConsentHistory.change(from: previous, to: contact, channel: .api)].compactMap { $0 }, in: sql
            )
            return contact
        }
    }

    public func delete(workspaceID: UUID, id: UUID) async throws {
        let found = try await database.transaction { sql in
            try await sql.raw("DELETE FROM contacts WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) RETURNING id").first() != nil
        }
        if !found { throw APIError.notFound("contact") }
    }

    /// Multi-row INSERT in slices that stay under both engines' bind limits.
    func insert(_ sql: any SQLDatabase, workspaceID: UUID, _ contacts: [Contact]) async throws {
        let head: SQLQueryString = """
            INSERT INTO contacts (id, workspace_id, phone, bsuid, parent_bsuid, username, name, email, country, language, city, tags, attributes,
                consent_status, consent_source, consent_at, created_at, updated_at) VALUES
            """
        try await sql.insertRows(head, contacts) { c in
            """
            (\(bind: c.id), \(bind: workspaceID), \(bind: c.phone), \(bind: c.bsuid), \(bind: c.parentBSUID), \(bind: c.username), \(bind: c.name),
             \(bind: c.email), \(bind: c.country),
             \(bind: c.language), \(bind: c.city), \(dialect.json(Self.json(c.tags))), \(dialect.json(Self.json(c.attributes))),
             \(bind: c.consent.status.rawValue), \(bind: c.consent.source), \(bind: c.consent.at), \(bind: c.createdAt), \(bind: c.updatedAt))
            """
        }
    }

    func write(_ sql: any SQLDatabase, workspaceID: UUID, _ c: Contact) async throws {
        try await sql.raw(
            """
            UPDATE contacts SET phone = \(bind: c.phone), bsuid = \(bind: c.bsuid), parent_bsuid = \(bind: c.parentBSUID),
                username = \(bind: c.username),
                name = \(bind: c.name), email = \(bind: c.email), country = \(bind: c.country),
                language = \(bind: c.language), city = \(bind: c.city), tags = \(dialect.json(Self.json(c.tags))),
                attributes = \(dialect.json(Self.json(c.attributes))), consent_status = \(bind: c.consent.status.rawValue),
                consent_source = \(bind: c.consent.source), consent_at = \(bind: c.consent.at), updated_at = \(bind: c.updatedAt)
            WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: c.id)
            """
        ).run()
    }

    /// A new contact with no data yet; the caller sets its phone or BSUID.
    static func blank(phone: String? = nil, now: Date) -> Contact {
        Contact(
            id: .timeOrdered(at: now), phone: phone, bsuid: nil, parentBSUID: nil, username: nil, name: nil, email: nil, country: nil, language: nil,
            city: nil, tags: [], attributes: [:],
            consent: Consent(status: .unknown, source: nil, at: nil), createdAt: now, updatedAt: now
        )
    }

    static func json(_ strings: [String]) -> String {
        strings.isEmpty ? "[]" : JSONValue.array(strings.map(JSONValue.string)).jsonText
    }

    static func json(_ attributes: [String: JSONValue]) -> String {
        attributes.isEmpty ? "{}" : JSONValue.object(attributes).jsonText
    }

    static func decode(_ row: any SQLRow) throws -> Contact {
        let tagsText = try row.decode(column: "tags", as: String.self)
        let attributesText = try row.decode(column: "attributes", as: String.self)
        var tags: [String] = []
        if case .array(let items) = try JSONValue.parse(Data(tagsText.utf8)) {
            tags = items.compactMap { if case .string(let s) = $0 { s } else { nil } }
        }
        var attributes: [String: JSONValue] = [:]
        if case .object(let fields) = try JSONValue.parse(Data(attributesText.utf8)) { attributes = fields }
        return Contact(
            id: try row.decode(column: "id", as: UUID.self),
            phone: try row.decode(column: "phone", as: String?.self),
            bsuid: try row.decode(column: "bsuid", as: String?.self),
            parentBSUID: try row.decode(column: "parent_bsuid", as: String?.self),
            username: try row.decode(column: "username", as: String?.self),
            name: try row.decode(column: "name", as: String?.self),
            email: try row.decode(column: "email", as: String?.self),
            country: try row.decode(column: "country", as: String?.self),
            language: try row.decode(column: "language", as: String?.self),
            city: try row.decode(column: "city", as: String?.self),
            tags: tags,
            attributes: attributes,
            consent: Consent(
                status: Consent.Status(rawValue: try row.decode(column: "consent_status", as: String.self)) ?? .unknown,
                source: try row.decode(column: "consent_source", as: String?.self),
                at: try row.decode(column: "consent_at", as: Date?.self)
            ),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self)
        )
    }
}
