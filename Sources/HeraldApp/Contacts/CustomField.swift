import Foundation
import SQLKit
import Storage

/// A workspace-defined contact attribute with a declared type.
public struct CustomField: Sendable, Encodable {
    public enum FieldType: String, Sendable, CaseIterable, Encodable { case text, number, boolean, date, list }
    public let key: String
    public let label: String
    public let type: FieldType
    /// Allowed values of a `list` field; empty means any string.
    public let options: [String]

    /// Checks a value against the declared type and returns it in stored form.
    func normalise(_ value: JSONValue, field: String) throws(APIError) -> JSONValue {
        switch (type, value) {
        case (_, .null): return .null
        case (.text, .string(let text)): return .string(text)
        case (.number, .number): return value
        case (.number, .string(let text)):
            if let number = Double(text.trimmingCharacters(in: .whitespaces)) { return .number(number) }
        case (.boolean, .bool): return value
        case (.boolean, .string(let text)):
            switch text.lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: break
            }
        case (.date, .string(let text)):
            if let date = ISODate.parse(text) { return .string(ISODate.format(date)) }
        case (.list, .array(let items)):
            var result: [JSONValue] = []
            for item in items {
                guard case .string(let text) = item else { break }
                guard options.isEmpty || options.contains(text) else {
                    throw APIError.invalid(field, "'\(text)' is not one of \(options.joined(separator: ", "))")
                }
                result.append(.string(text))
            }
            if result.count == items.count { return .array(result) }
        case (.list, .string(let text)):
            return try normalise(.array(text.split(separator: "|").map { .string($0.trimmingCharacters(in: .whitespaces)) }), field: field)
        default: break
        }
        throw APIError.invalid(field, "\(key) is a \(type.rawValue) field; \(value.typeName) \(value.jsonText) does not fit", code: "invalid_type")
    }
}

public struct CustomFieldStore: Sendable {
    let database: Database

    public func list(workspaceID: UUID) async throws -> [CustomField] {
        let dialect = database.dialect
        return try await database.read { sql in
            try await sql.raw(
                "SELECT key, label, type, \(dialect.jsonText("options")) AS options FROM custom_field_definitions WHERE workspace_id = \(bind: workspaceID) ORDER BY key"
            ).all().map { row in
                let options = try row.decode(column: "options", as: String?.self).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
                return CustomField(
                    key: try row.decode(column: "key", as: String.self), label: try row.decode(column: "label", as: String.self),
                    type: CustomField.FieldType(rawValue: try row.decode(column: "type", as: String.self)) ?? .text, options: options ?? []
                )
            }
        }
    }

    public func create(workspaceID: UUID, field: CustomField) async throws {
        guard field.key.range(of: "^[a-z][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
            throw APIError.invalid("key", "key must start with a letter and use only a-z, 0-9 and _ (at most 63 characters)")
        }
        if ContactInput.builtInFields.contains(field.key) {
            throw APIError.invalid("key", "'\(field.key)' is a built-in contact field")
        }
        let dialect = database.dialect
        let options = String(decoding: try JSONEncoder().encode(field.options), as: UTF8.self)
        try await database.transaction { sql in
            if try await sql.raw("SELECT id FROM custom_field_definitions WHERE workspace_id = \(bind: workspaceID) AND key = \(bind: field.key)").first() != nil {
                throw APIError(.conflict, "key_taken", "a field with key '\(field.key)' already exists", field: "key")
            }
            try await sql.raw(
                """
                INSERT INTO custom_field_definitions (id, workspace_id, key, label, type, options, created_at)
                VALUES (\(bind: UUID()), \(bind: workspaceID), \(bind: field.key), \(bind: field.label), \(bind: field.type.rawValue),
                        \(dialect.json(options)), \(bind: Date()))
                """
            ).run()
        }
    }

    public func delete(workspaceID: UUID, key: String) async throws {
        let found = try await database.transaction { sql in
            try await sql.raw("DELETE FROM custom_field_definitions WHERE workspace_id = \(bind: workspaceID) AND key = \(bind: key) RETURNING id").first() != nil
        }
        if !found { throw APIError.notFound("custom field") }
    }
}
