import Foundation

/// Encodes a value with every `UUID` in it written in lower case, as ids appear in URLs.
///
/// `UUID`'s own `Encodable` writes upper case and `JSONEncoder` has no strategy for it, so this wraps the
/// encoder the value is given and swaps each `UUID` for its lower-case text on the way through. Only values
/// typed `UUID` change: a string that merely looks like one is the client's data and is written as it is.
struct LowercaseIDs<Value: Encodable>: Encodable {
    let value: Value

    init(_ value: Value) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        try IDEncoding.encode(value, to: encoder)
    }
}

private enum IDEncoding {
    static func encode(_ value: some Encodable, to encoder: any Encoder) throws {
        if let id = value as? UUID {
            var container = encoder.singleValueContainer()
            try container.encode(id.uuidString.lowercased())
        } else {
            try value.encode(to: IDEncoder(base: encoder))
        }
    }

    /// What a container hands the encoder beneath it: the value itself when the encoder treats its type
    /// specially (dates follow `dateEncodingStrategy`), else a wrapper that carries on the swap.
    static func wrap<T: Encodable>(_ value: T) -> any Encodable {
        if let id = value as? UUID { return id.uuidString.lowercased() }
        if value is Date || value is Data || value is URL || value is Decimal { return value }
        return LowercaseIDs(value)
    }
}

private struct IDEncoder: Encoder {
    let base: any Encoder
    var codingPath: [any CodingKey] { base.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { base.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(IDKeyedContainer(base: base.container(keyedBy: type)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { IDUnkeyedContainer(base: base.unkeyedContainer()) }

    func singleValueContainer() -> any SingleValueEncodingContainer { IDSingleValueContainer(base: base.singleValueContainer()) }
}

private struct IDKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    var base: KeyedEncodingContainer<Key>
    var codingPath: [any CodingKey] { base.codingPath }

    mutating func encodeNil(forKey key: Key) throws { try base.encodeNil(forKey: key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try base.encode(value, forKey: key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try base.encode(IDEncoding.wrap(value), forKey: key) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(IDKeyedContainer<NestedKey>(base: base.nestedContainer(keyedBy: keyType, forKey: key)))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        IDUnkeyedContainer(base: base.nestedUnkeyedContainer(forKey: key))
    }
    mutating func superEncoder() -> any Encoder { IDEncoder(base: base.superEncoder()) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { IDEncoder(base: base.superEncoder(forKey: key)) }
}

private struct IDUnkeyedContainer: UnkeyedEncodingContainer, PrimitivePassThrough {
    var base: any UnkeyedEncodingContainer
    var codingPath: [any CodingKey] { base.codingPath }
    var count: Int { base.count }

    mutating func encodeNil() throws { try base.encodeNil() }
    mutating func passThrough<T: Encodable>(_ value: T) throws { try base.encode(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try base.encode(IDEncoding.wrap(value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(IDKeyedContainer<NestedKey>(base: base.nestedContainer(keyedBy: keyType)))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { IDUnkeyedContainer(base: base.nestedUnkeyedContainer()) }
    mutating func superEncoder() -> any Encoder { IDEncoder(base: base.superEncoder()) }
}

private struct IDSingleValueContainer: SingleValueEncodingContainer, PrimitivePassThrough {
    var base: any SingleValueEncodingContainer
    var codingPath: [any CodingKey] { base.codingPath }

    mutating func encodeNil() throws { try base.encodeNil() }
    mutating func passThrough<T: Encodable>(_ value: T) throws { try base.encode(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try base.encode(IDEncoding.wrap(value)) }
}

/// The unkeyed and single-value containers hand every primitive to the container beneath as it is: one set of
/// forwarding methods serves both.
private protocol PrimitivePassThrough {
    mutating func passThrough<T: Encodable>(_ value: T) throws
}

extension PrimitivePassThrough {
    mutating func encode(_ value: Bool) throws { try passThrough(value) }
    mutating func encode(_ value: String) throws { try passThrough(value) }
    mutating func encode(_ value: Double) throws { try passThrough(value) }
    mutating func encode(_ value: Int) throws { try passThrough(value) }
    mutating func encode(_ value: Int64) throws { try passThrough(value) }
    mutating func encode(_ value: Float) throws { try passThrough(value) }
    mutating func encode(_ value: Int8) throws { try passThrough(value) }
    mutating func encode(_ value: Int16) throws { try passThrough(value) }
    mutating func encode(_ value: Int32) throws { try passThrough(value) }
    mutating func encode(_ value: UInt) throws { try passThrough(value) }
    mutating func encode(_ value: UInt8) throws { try passThrough(value) }
    mutating func encode(_ value: UInt16) throws { try passThrough(value) }
    mutating func encode(_ value: UInt32) throws { try passThrough(value) }
    mutating func encode(_ value: UInt64) throws { try passThrough(value) }
}
