import Foundation
import Hummingbird

/// Decoded `application/x-www-form-urlencoded` data: a POSTed form body, or a GET form's query.
struct FormData {
    let values: [String: String]

    subscript(_ name: String) -> String? { values[name] }

    static func read(_ request: Request, context: some RequestContext) async throws -> FormData {
        parse(String(buffer: try await request.collectBodyOrFail(context: context)))
    }

    /// The query string of a GET form, where `+` means a space (unlike in an API query).
    static func query(_ request: Request) -> FormData {
        parse(request.uri.query ?? "")
    }

    /// Splits `a=1&b=x+y`; a malformed escape is kept as written rather than refused.
    static func parse(_ text: String) -> FormData {
        var values: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            values[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return FormData(values: values)
    }
}
