import Foundation

/// A JSON value Meta sends sometimes as a string and sometimes as a number
/// (timestamps, template IDs); it is kept as a string either way.
struct LenientString: Codable, Sendable, Equatable {
    var value: String

    init(_ value: String) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            value = string
        } else if let integer = try? container.decode(Int64.self) {
            value = String(integer)
        } else if let unsigned = try? container.decode(UInt64.self) {
            value = String(unsigned)
        } else if let number = try? container.decode(Double.self) {
            value = number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a string or a number")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

extension LenientString {
    /// Unix seconds as a date; unparseable values become the epoch, which sorts before any real update.
    var unixDate: Date {
        Date(timeIntervalSince1970: Double(value) ?? 0)
    }

    /// Unix seconds rendered the way Meta sends them in message and status webhooks.
    static func unixSeconds(_ date: Date) -> LenientString {
        LenientString(String(Int64(date.timeIntervalSince1970.rounded(.down))))
    }
}

/// Like `LenientString`, but written back as a JSON number when it is one, for fields Meta
/// sends as numbers (template IDs, `user_preferences` timestamps).
struct NumericString: Codable, Sendable, Equatable {
    var value: String

    init(_ value: String) { self.value = value }

    init(from decoder: any Decoder) throws {
        value = try LenientString(from: decoder).value
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let number = Int64(value) {
            try container.encode(number)
        } else {
            try container.encode(value)
        }
    }
}
