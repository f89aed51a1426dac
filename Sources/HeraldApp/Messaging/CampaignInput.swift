import Foundation
import Storage

/// Reads and checks a campaign from a request: the template must exist, be approved and fit the
/// variables, media and link given; nothing is stored unless all of it holds.
struct CampaignInput {
    static let fields: Set<String> = ["name", "account_id", "template_id", "variables", "media_id", "cta_url", "audience", "scheduled_at", "budget"]

    static func variables(_ reader: FieldReader) throws -> [String: VariableSource] {
        guard let object = try reader.object("variables") else { return [:] }
        var result: [String: VariableSource] = [:]
        for key in object.fields.keys.sorted() {
            guard let item = try object.object(key) else { continue }
            try item.rejectUnknown(["field", "text", "fallback"])
            let source = VariableSource(
                field: try item.string("field", maxLength: 100), text: try item.string("text", maxLength: 1024),
                fallback: try item.string("fallback", maxLength: 1024)
            )
            if source.field == nil && source.text == nil {
                throw APIError.invalid(item.name("field"), "give a contact field (field) or a fixed text (text) for variable \(key)")
            }
            if let field = source.field, !VariableSource.contactFields.contains(field), !field.hasPrefix("attributes.") {
                throw APIError.invalid(
                    item.name("field"),
                    "\(field) is not a contact field; use one of \(VariableSource.contactFields.sorted().joined(separator: ", ")) or attributes.<name>"
                )
            }
            result[key] = source
        }
        return result
    }

    static func audience(_ reader: FieldReader) throws -> Audience? {
        guard let object = try reader.object("audience") else { return nil }
        try object.rejectUnknown(["type", "segment_id"])
        let type = try object.string("type", required: true)!
        switch type {
        case "all": return .everyone
        case "segment":
            guard let text = try object.string("segment_id", required: true), let id = UUID(uuidString: text) else {
                throw APIError.invalid(object.name("segment_id"), "segment_id must be the id of a saved segment")
            }
            return Audience(type: "segment", segmentID: id)
        default: throw APIError.invalid(object.name("type"), "audience type is \"all\" (every opted-in contact) or \"segment\" (a saved segment)")
        }
    }

    /// A time with an offset (ISO 8601), or a local date and time read in the workspace's time zone.
    static func scheduledAt(_ reader: FieldReader, timeZone: String) throws -> Date? {
        guard let text = try reader.string("scheduled_at", maxLength: 40) else { return nil }
        let hasOffset = text.range(of: #"T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$"#, options: .regularExpression) != nil
        if hasOffset {
            let withOffset = DateFormatter()
            withOffset.locale = Locale(identifier: "en_US_POSIX")
            for format in ["yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX", "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mmXXXXX"] {
                withOffset.dateFormat = format
                if let date = withOffset.date(from: text) { return date }
            }
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        throw APIError.invalid(reader.name("scheduled_at"), "scheduled_at is a date and time like 2026-12-01T09:30 (in the workspace's time zone, \(timeZone)) or with an offset")
    }

    /// Checks the campaign against its template, account and media.
    static func check(_ c: Campaign, services: MessagingServices) async throws {
        guard let templateID = c.templateID, let template = try await services.templates.find(workspaceID: c.workspaceID, id: templateID) else {
            throw APIError.invalid("template_id", "template_id is not a template of this workspace; sync the account's templates first")
        }
        if let accountID = c.accountID, accountID != template.accountID {
            throw APIError.invalid("account_id", "the template belongs to another WhatsApp account")
        }
        let definition = template.definition
        for key in definition.bodyVariables where c.variables[key] == nil {
            throw APIError.invalid("variables.\(key)", "the template's body uses {{\(key)}}: map it to a contact field or a text")
        }
        let mediaHeader = ["IMAGE", "VIDEO", "DOCUMENT"].contains(definition.headerFormat ?? "")
        if mediaHeader && c.mediaID == nil {
            throw APIError.invalid("media_id", "the template has a \(definition.headerFormat!.lowercased()) header: choose a file from the media library")
        }
        if let mediaID = c.mediaID {
            guard mediaHeader else { throw APIError.invalid("media_id", "the template has no media header") }
            guard let item = try await services.media.find(workspaceID: c.workspaceID, id: mediaID) else {
                throw APIError.invalid("media_id", "media_id is not a file in this workspace's media library")
            }
            guard item.kind == definition.headerFormat!.lowercased() else {
                throw APIError.invalid("media_id", "the template's header takes a \(definition.headerFormat!.lowercased()), not a \(item.kind)")
            }
        }
        if definition.urlButtonIndex != nil && c.ctaURL == nil {
            throw APIError.invalid("cta_url", "the template has a tracked link button: give the destination URL (cta_url)")
        }
        if let url = c.ctaURL {
            guard let parsed = URL(string: url), parsed.scheme == "https" || parsed.scheme == "http", parsed.host != nil else {
                throw APIError.invalid("cta_url", "cta_url must be an http(s) URL")
            }
        }
    }
}
