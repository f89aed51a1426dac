import Contacts
import Foundation
import Hummingbird
import Storage

/// CSV import of contacts. The upload is streamed into `job_files` in 1 MiB pieces (so any
/// `herald serve` sharing the database can process it and no file sits in memory), then a job
/// parses it piece by piece and upserts in batches, recording every bad row.
struct ContactImport {
    static let kind = "contacts.import"
    static let chunkSize = 1 << 20
    static let maxBytes = 4 << 30

    struct Payload: Codable {
        /// CSV column name → contact field (`phone`, `name`, …, or `attributes.KEY`).
        var mapping: [String: String]?
        var bytes: Int64
        var chunks: Int
    }

    struct Result: Codable {
        var created: Int64 = 0
        var updated: Int64 = 0
        var failed: Int64 = 0
        var rows: Int64 = 0
        var ignoredColumns: [String] = []
        enum CodingKeys: String, CodingKey {
            case created, updated, failed, rows
            case ignoredColumns = "ignored_columns"
        }
    }

    static let fieldAliases: [String: String] = [
        "phone": "phone", "phone_number": "phone", "phonenumber": "phone", "mobile": "phone", "mobile_number": "phone",
        "whatsapp": "phone", "msisdn": "phone", "telephone": "phone", "tel": "phone",
        "bsuid": "bsuid", "user_id": "bsuid", "whatsapp_user_id": "bsuid", "parent_bsuid": "parent_bsuid", "parent_user_id": "parent_bsuid",
        "username": "username", "whatsapp_username": "username",
        "name": "name", "full_name": "name", "fullname": "name", "contact_name": "name",
        "email": "email", "e-mail": "email", "email_address": "email",
        "country": "country", "country_code": "country", "language": "language", "lang": "language", "locale": "language",
        "city": "city", "tags": "tags", "tag": "tags", "labels": "tags",
        "consent": "consent", "consent_status": "consent", "opt_in": "consent", "opted_in": "consent",
    ]

    /// Resolves each header to a contact field, from the explicit mapping or by name.
    static func resolveColumns(header: [String], mapping: [String: String]?, customFields: Set<String>) throws(APIError) -> [String?] {
        if let mapping {
            for (column, target) in mapping {
                guard header.contains(column) else {
                    throw APIError.invalid("mapping", "the CSV has no column named '\(column)'")
                }
                guard isTarget(target, customFields: customFields) else {
                    throw APIError.invalid("mapping", "'\(target)' is not a contact field or a custom field")
                }
            }
        }
        let columns: [String?] = header.map { name in
            if let mapping { return mapping[name] }
            let normalised = name.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "_")
            if let field = fieldAliases[normalised] { return field }
            if customFields.contains(normalised) { return "attributes.\(normalised)" }
            if normalised.hasPrefix("attributes."), customFields.contains(String(normalised.dropFirst(11))) { return normalised }
            return nil
        }
        guard columns.contains("phone") || columns.contains("bsuid") else {
            throw APIError.invalid(
                "mapping",
                "no column holds the phone number or the WhatsApp user ID; name it 'phone' or 'bsuid',"
                    + " or map one with ?mapping={\"Column\":\"phone\"}",
                code: "missing_phone_column"
            )
        }
        return columns
    }

    static func isTarget(_ target: String, customFields: Set<String>) -> Bool {
        Set(fieldAliases.values).contains(target) || (target.hasPrefix("attributes.") && customFields.contains(String(target.dropFirst(11))))
    }

    /// Turns one CSV record into the JSON object the contact validator reads.
    static func object(record: [String], columns: [String?]) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        var attributes: [String: JSONValue] = [:]
        for (index, target) in columns.enumerated() {
            guard let target, index < record.count else { continue }
            let value = FieldReader.trimmed(record[index])
            if value.isEmpty { continue }
            switch target {
            case "tags":
                fields["tags"] = .array(value.split(whereSeparator: { $0 == "|" || $0 == "," || $0 == ";" }).map { .string(String($0)) })
            case "consent":
                let status: String
                switch value.lowercased() {
                case "yes", "true", "1", "y", "opted_in", "opt_in", "subscribed": status = "opted_in"
                case "no", "false", "0", "n", "opted_out", "opt_out", "unsubscribed": status = "opted_out"
                default: status = value
                }
                fields["consent"] = .object(["status": .string(status), "source": .string("csv_import")])
            default:
                if target.hasPrefix("attributes.") {
                    attributes[String(target.dropFirst(11))] = .string(value)
                } else {
                    fields[target] = .string(value)
                }
            }
        }
        if !attributes.isEmpty { fields["attributes"] = .object(attributes) }
        return .object(fields)
    }
}
