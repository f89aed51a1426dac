import Contacts
import Foundation
import SQLKit
import Storage

/// `POST /api/integrations/crm/sync-contacts`: a CRM's contacts upserted in bulk by the CRM's own id (then by phone),
/// with custom attributes and consent with its source. Each row gets a result; a row that cannot be stored stores
/// nothing and does not stop the others. Sending the same rows again changes nothing and says `unchanged`.
struct CRMContactSync: Sendable {
    let database: Database
    let contacts: ContactStore
    static let maxRows = 1000

    struct Row: Sendable {
        let index: Int
        let externalID: String?
        var input: ContactInput
    }

    struct Result: Sendable, Encodable {
        let index: Int
        let externalID: String?
        var status: String
        var contactID: UUID?
        var error: APIError.Body.Detail?
        enum CodingKeys: String, CodingKey {
            case index, status, error
            case externalID = "external_id", contactID = "contact_id"
        }
    }

    /// Reads the request: `{"source": "hubspot", "contacts": [{"external_id": "…", "phone": "…", …}]}`. A row's own
    /// problems become its result; a request that is not of this shape is refused whole.
    static func parse(_ body: JSONValue, rules: ContactRules) throws -> (source: String, rows: [Row], results: [Int: Result]) {
        let reader = try FieldReader(body)
        try reader.rejectUnknown(["source", "contacts"])
        let source = try reader.string("source", required: true, maxLength: 50)!.lowercased()
        guard source.wholeMatch(of: /[a-z0-9][a-z0-9_.-]*/) != nil else {
            throw APIError.invalid("source", "source names the CRM in lower-case letters, digits, '.', '_' or '-', such as hubspot")
        }
        guard case .array(let items)? = reader.fields["contacts"] else {
            throw APIError.invalid("contacts", "contacts must be a list of contacts", code: reader.has("contacts") ? "invalid_type" : "required")
        }
        guard !items.isEmpty else { throw APIError(.unprocessableContent, "empty", "the list of contacts is empty", field: "contacts") }
        guard items.count <= maxRows else { throw APIError(.contentTooLarge, "too_many_rows", "send at most \(maxRows) contacts per request", field: "contacts") }
        var rows: [Row] = [], results: [Int: Result] = [:], seen = Set<String>()
        for (index, item) in items.enumerated() {
            let path = "contacts[\(index)]"
            do {
                guard case .object(var fields) = item else { throw APIError.invalid(path, "each contact must be an object", code: "invalid_type") }
                var externalID: String?
                switch fields.removeValue(forKey: "external_id") {
                case nil, .null?: break
                case .string(let text)? where !text.trimmingCharacters(in: .whitespaces).isEmpty && text.count <= 200:
                    externalID = text.trimmingCharacters(in: .whitespaces)
                case .number(let n)? where n.rounded() == n && abs(n) < 9e15: externalID = String(Int64(n))
                default: throw APIError.invalid("\(path).external_id", "external_id is the CRM's id for the contact: text of at most 200 characters")
                }
                if let externalID, !seen.insert("external:" + externalID).inserted {
                    throw APIError.invalid("\(path).external_id", "external_id \(externalID) appears twice in this request", code: "duplicate_in_request")
                }
                let input = try ContactInput.parse(try FieldReader(.object(fields), path: path), rules: rules, requireIdentity: externalID == nil)
                for (field, key) in ContactController.identityKeys(input) where !seen.insert(key).inserted {
                    throw APIError.invalid("\(path).\(field)", "another contact of this request has the same \(field)", code: "duplicate_in_request")
                }
                rows.append(Row(index: index, externalID: externalID, input: input))
            } catch let error as APIError {
                results[index] = Result(index: index, externalID: nil, status: "error", error: Self.detail(error))
            }
        }
        return (source, rows, results)
    }

    func sync(workspaceID: UUID, source: String, rows: [Row], results: [Int: Result]) async throws -> [Result] {
        try await database.transaction(retryingConflicts: 3) { sql in
            var results = results
            var rows = rows
            let externalIDs = rows.compactMap(\.externalID)
            var mapped: [String: UUID] = [:]
            for start in stride(from: 0, to: externalIDs.count, by: 500) {
                let part = Array(externalIDs[start..<min(start + 500, externalIDs.count)])
                for row in try await sql.raw(
                    """
                    SELECT external_id, contact_id FROM contact_external_ids
                    WHERE workspace_id = \(bind: workspaceID) AND source = \(bind: source) AND external_id IN (\(binds: part))
                    """
                ).all() {
                    mapped[try row.decode(column: "external_id", as: String.self)] = try row.decode(column: "contact_id", as: UUID.self)
                }
            }
            // A row whose external id is known updates that contact: it is found by its phone (or BSUID), and a new
            // phone moves to it first unless another contact holds that phone.
            var kept: [Row] = []
            var movedPhone = Set<Int>()
            for var row in rows {
                guard let id = row.externalID.flatMap({ mapped[$0] }),
                    let current = try await sql.raw("SELECT phone, bsuid FROM contacts WHERE id = \(bind: id)").first()
                else {
                    if row.externalID != nil, row.input.phoneNumber == nil, row.input.userID == nil {
                        results[row.index] = Result(
                            index: row.index, externalID: row.externalID, status: "error",
                            error: Self.detail(APIError.invalid("contacts[\(row.index)].phone", "a new contact needs a phone number or a WhatsApp user ID (bsuid)", code: "required")))
                        continue
                    }
                    kept.append(row)
                    continue
                }
                let phone = try current.decode(column: "phone", as: String?.self), bsuid = try current.decode(column: "bsuid", as: String?.self)
                if let wanted = row.input.phoneNumber?.e164, wanted != phone {
                    let holder = try await sql.raw(
                        "SELECT id FROM contacts WHERE workspace_id = \(bind: workspaceID) AND phone = \(bind: wanted)"
                    ).first()
                    if holder != nil {
                        results[row.index] = Result(
                            index: row.index, externalID: row.externalID, status: "error",
                            error: Self.detail(APIError(.conflict, "phone_taken", "\(wanted) belongs to another contact", field: "contacts[\(row.index)].phone")))
                        continue
                    }
                    try await sql.raw("UPDATE contacts SET phone = \(bind: wanted), updated_at = \(bind: Date()) WHERE id = \(bind: id)").run()
                    movedPhone.insert(row.index)
                } else if row.input.phoneNumber == nil, row.input.userID == nil {
                    if let phone { row.input.phone = .some(try? PhoneNumber.parse(phone, defaultCountry: nil)) }
                    if phone == nil, let bsuid { row.input.bsuid = .some(try? BusinessScopedUserID.parse(bsuid)) }
                }
                kept.append(row)
            }
            rows = kept
            let inputs = rows.map(\.input)
            let before = Dictionary(
                try await contacts.matching(sql, workspaceID: workspaceID, ContactIdentities.Lookup(inputs)).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let outcomes = try await contacts.upsert(sql, workspaceID: workspaceID, inputs: inputs, channel: .crm)
            let now = Date()
            for (row, outcome) in zip(rows, outcomes) {
                var result = Result(index: row.index, externalID: row.externalID, status: "error")
                switch outcome {
                case .created(let id): result.status = "created"; result.contactID = id
                case .updated(let id):
                    result.contactID = id
                    let after = try await sql.raw("SELECT \(contacts.columns()) FROM contacts WHERE id = \(bind: id)").first().map(ContactStore.decode)
                    result.status = !movedPhone.contains(row.index) && Self.same(before[id], after) ? "unchanged" : "updated"
                case .refused(let error): result.error = Self.detail(error, row: row.index)
                }
                if let id = result.contactID, let externalID = row.externalID {
                    try await sql.raw(
                        """
                        INSERT INTO contact_external_ids (workspace_id, source, external_id, contact_id, created_at)
                        VALUES (\(bind: workspaceID), \(bind: source), \(bind: externalID), \(bind: id), \(bind: now))
                        ON CONFLICT (workspace_id, source, external_id) DO NOTHING
                        """
                    ).run()
                }
                results[row.index] = result
            }
            return results.values.sorted { $0.index < $1.index }
        }
    }

    /// A row's error, its field named from the request's root.
    static func detail(_ error: APIError, row: Int? = nil) -> APIError.Body.Detail {
        let field = row.map { "contacts[\($0)]" + (error.field.map { ".\($0)" } ?? "") } ?? error.field
        return .init(code: error.code, message: error.message, field: field)
    }

    /// Whether a contact is as it was, apart from when it was last written.
    static func same(_ a: Contact?, _ b: Contact?) -> Bool {
        guard var a, var b else { return false }
        a.updatedAt = b.updatedAt
        a.createdAt = b.createdAt
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(a)) == (try? encoder.encode(b))
    }
}
