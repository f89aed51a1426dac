import Foundation
import Hummingbird

/// A decoded `application/x-www-form-urlencoded` body.
struct FormData {
    let values: [String: String]

    subscript(_ name: String) -> String? { values[name] }

    static func read(_ request: Request, context: some RequestContext) async throws -> FormData {
        let buffer = try await request.collectBodyOrFail(context: context)
        var components = URLComponents()
        components.percentEncodedQuery = String(buffer: buffer).replacingOccurrences(of: "+", with: "%20")
        var values: [String: String] = [:]
        for item in components.queryItems ?? [] { values[item.name] = item.value ?? "" }
        return FormData(values: values)
    }
}
