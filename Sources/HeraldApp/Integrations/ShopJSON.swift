import Foundation

/// Read-only lookups in a shop's JSON payload: shops send ids as numbers, money as strings and leave out what they
/// like, so every lookup is optional and ids read as text either way.
struct ShopJSON: Sendable {
    let value: JSONValue

    init(_ value: JSONValue) { self.value = value }

    init(parsing body: Data) throws {
        guard let value = try? JSONValue.parse(body) else { throw ShopPayloadError("the body is not JSON") }
        self.value = value
    }

    subscript(key: String) -> ShopJSON {
        if case .object(let fields) = value, let field = fields[key] { return ShopJSON(field) }
        return ShopJSON(.null)
    }

    var isObject: Bool { if case .object = value { true } else { false } }

    var array: [ShopJSON] { if case .array(let items) = value { items.map(ShopJSON.init) } else { [] } }

    /// Text, or a whole number written as text ("450789469").
    var text: String? {
        switch value {
        case .string(let s): return s.trimmingCharacters(in: .whitespaces).isEmpty ? nil : s.trimmingCharacters(in: .whitespaces)
        case .number(let n) where n.rounded() == n && abs(n) < 9e15: return String(Int64(n))
        case .number(let n): return "\(n)"
        default: return nil
        }
    }

    var int: Int64? {
        switch value {
        case .number(let n) where n.rounded() == n && abs(n) < 9e15: Int64(n)
        case .string(let s): Int64(s.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    var bool: Bool? { if case .bool(let b) = value { b } else { nil } }

    /// A required id, as text.
    func id(_ what: String) throws -> String {
        guard let id = text, id != "0" else { throw ShopPayloadError("\(what) is missing") }
        return id
    }

    func money(currency: String, field: String) throws -> Int64? {
        guard let text else { return nil }
        return try ShopMoney.minor(text, currency: currency, field: field)
    }

    func date(field: String) throws -> Date? {
        guard let text else { return nil }
        guard let date = ShopTime.parse(text) else { throw ShopPayloadError("\(field) is not a time: \"\(text)\"") }
        return date
    }
}
