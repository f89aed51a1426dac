import Foundation
import Testing

/// Both JSON texts re-serialized with sorted keys, so they compare structurally and a failure shows a readable diff.
func canonicalJSON(_ bytes: [UInt8]) throws -> String {
    let object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
    return String(decoding: data, as: UTF8.self)
}

func canonicalJSON(_ text: String) throws -> String {
    try canonicalJSON(Array(text.utf8))
}

/// Expects `actual` to be the same JSON as `expected`, ignoring key order and whitespace.
func expectJSON(_ actual: [UInt8], equals expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(try canonicalJSON(actual) == canonicalJSON(expected), sourceLocation: sourceLocation)
}

/// The decoded JSON object, for looking at single fields.
func jsonObject(_ bytes: [UInt8]) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
}

extension Date {
    /// A date from Unix seconds, as webhooks carry them.
    static func unix(_ seconds: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }
}
