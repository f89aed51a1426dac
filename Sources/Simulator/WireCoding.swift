import Foundation
import Hummingbird

/// JSON coders for Meta's snake_case wire format and helpers to answer with it.
enum Wire {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .withoutEscapingSlashes
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// A JSON response; `snakeCase: false` keeps the property names (control endpoints, JSON trees).
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, snakeCase: Bool = true) -> Response {
        let encoder = snakeCase ? encoder() : JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func response(_ error: GraphError) -> Response {
        response(GraphErrorEnvelope(error), status: error.status)
    }

    /// Decodes Meta's request body, turning malformed JSON into error 100.
    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer, snakeCase: Bool = true) throws(GraphError) -> T {
        do {
            return try (snakeCase ? decoder() : JSONDecoder()).decode(type, from: buffer)
        } catch {
            throw .invalidParameter("The request body is not valid JSON for this call.")
        }
    }
}
