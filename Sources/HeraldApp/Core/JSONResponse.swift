import Foundation
import Hummingbird

/// Encodes API answers with stable key order, snake_case names chosen by each type and ids in lower case.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let body = ResponseBody(byteBuffer: ByteBuffer(data: try data(value)))
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: body)
    }

    /// The same JSON as an answer's body, on one line (the live results stream sends it as an event's data).
    static func data(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISODate.format(date))
        }
        return try encoder.encode(LowercaseIDs(value))
    }
}

extension Request {
    /// A positive integer query parameter with a default and an upper bound.
    func limit(default value: Int = 50, max: Int = 1000) throws -> Int {
        guard let text = uri.queryParameters["limit"] else { return value }
        guard let number = Int(String(text)), number >= 1, number <= max else {
            throw APIError(.badRequest, "invalid_parameter", "limit must be a whole number from 1 to \(max)", field: "limit")
        }
        return number
    }
}
