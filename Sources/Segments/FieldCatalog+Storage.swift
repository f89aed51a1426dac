import Foundation
import SQLKit
import Storage

extension FieldCatalog {
    /// The catalog of a workspace: built-in fields plus its declared custom attributes.
    public static func load(_ database: Database, workspaceID: UUID) async throws -> FieldCatalog {
        let dialect = database.dialect
        let attributes = try await database.read { sql in
            try await sql.raw(
                "SELECT key, label, type, \(dialect.jsonText("options")) AS options FROM custom_field_definitions WHERE workspace_id = \(bind: workspaceID) ORDER BY key"
            ).all().map { row in
                let options = try row.decode(column: "options", as: String?.self).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
                return CustomAttribute(
                    key: try row.decode(column: "key", as: String.self), label: try row.decode(column: "label", as: String.self),
                    kind: CustomAttribute.Kind(rawValue: try row.decode(column: "type", as: String.self)) ?? .text, options: options ?? []
                )
            }
        }
        return FieldCatalog(customAttributes: attributes)
    }
}
