import Foundation

/// Any JSON value. Request bodies are read into this first, so Herald can tell a missing field
/// from a null one and name the exact field that is wrong.
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Compact JSON text with sorted keys.
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("null".utf8), as: UTF8.self)
    }

    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }
}

/// Reads typed fields out of a JSON object, producing field-level errors with dotted paths.
public struct FieldReader: Sendable {
    public let fields: [String: JSONValue]
    public let path: String

    public init(_ value: JSONValue, path: String = "") throws(APIError) {
        guard case .object(let fields) = value else {
            throw APIError(.badRequest, "invalid_body", "\(path.isEmpty ? "the body" : path) must be a JSON object", field: path.isEmpty ? nil : path)
        }
        self.fields = fields
        self.path = path
    }

    public func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    public func has(_ key: String) -> Bool { fields[key] != nil }

    /// Rejects any key not in `allowed`, so a typo never silently drops data.
    public func rejectUnknown(_ allowed: Set<String>) throws(APIError) {
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIError(.unprocessableContent, "unknown_field", "'\(unknown)' is not a known field", field: name(unknown))
        }
    }

    public func string(_ key: String, required: Bool = false, maxLength: Int = 1000) throws(APIError) -> String? {
        switch fields[key] {
        case nil, .null?:
            if required { throw APIError.invalid(name(key), "\(key) is required", code: "required") }
            return nil
        case .string(let text)?:
            let trimmed = Self.trimmed(text)
            if required && trimmed.isEmpty { throw APIError.invalid(name(key), "\(key) must not be empty", code: "required") }
            if trimmed.count > maxLength { throw APIError.invalid(name(key), "\(key) is longer than \(maxLength) characters") }
            return trimmed
        case let other?:
            throw APIError.invalid(name(key), "\(key) must be a string, not \(other.typeName)", code: "invalid_type")
        }
    }

    /// Trims white space, skipping Foundation's Unicode scan for the common already-trimmed text.
    static func trimmed(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        let plain: (UInt8) -> Bool = { $0 > 0x20 && $0 < 0x7F }
        if plain(first) && plain(last) { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func integer(_ key: String, required: Bool = false) throws(APIError) -> Int64? {
        switch fields[key] {
        case nil, .null?:
            if required { throw APIError.invalid(name(key), "\(key) is required", code: "required") }
            return nil
        case .number(let number)?:
            guard number.rounded() == number, abs(number) < 9e15 else {
                throw APIError.invalid(name(key), "\(key) must be a whole number", code: "invalid_type")
            }
            return Int64(number)
        case let other?:
            throw APIError.invalid(name(key), "\(key) must be a number, not \(other.typeName)", code: "invalid_type")
        }
    }

    public func date(_ key: String, required: Bool = false) throws(APIError) -> Date? {
        guard let text = try string(key, required: required) else { return nil }
        guard let date = ISODate.parse(text) else {
            throw APIError.invalid(name(key), "\(key) must be an ISO 8601 time such as 2026-05-01T12:00:00Z", code: "invalid_type")
        }
        return date
    }

    public func strings(_ key: String) throws(APIError) -> [String]? {
        switch fields[key] {
        case nil, .null?: return nil
        case .array(let items)?:
            var result: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item else {
                    throw APIError.invalid("\(name(key))[\(index)]", "\(key) must be a list of strings", code: "invalid_type")
                }
                result.append(text)
            }
            return result
        case let other?:
            throw APIError.invalid(name(key), "\(key) must be a list of strings, not \(other.typeName)", code: "invalid_type")
        }
    }

    public func object(_ key: String) throws(APIError) -> FieldReader? {
        switch fields[key] {
        case nil, .null?: return nil
        case let value?: return try FieldReader(value, path: name(key))
        }
    }
}

/// ISO 8601 parsing that accepts the common shapes: with or without fractional seconds, or a bare date.
public enum ISODate {
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle().year().month().day()) { return date }
        return nil
    }

    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }
}
