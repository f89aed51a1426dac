import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// Reads a JSON body up to the context's limit, mapping every failure to a JSON 4xx.
    func jsonBody(context: some RequestContext) async throws -> JSONValue {
        let type = headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/json") || type.hasPrefix("application/x-ndjson") else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "send the body as application/json")
        }
        let buffer = try await collectBodyOrFail(context: context)
        do {
            return try JSONValue.parse(Data(buffer: buffer))
        } catch {
            throw APIError(.badRequest, "invalid_json", "the body is not valid JSON")
        }
    }

    /// Collects the body, answering 413 when it is larger than allowed.
    func collectBodyOrFail(context: some RequestContext) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw Self.tooLarge(limit: context.maxUploadSize)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Self.tooLarge(limit: context.maxUploadSize)
        }
    }

    static func tooLarge(limit: Int) -> APIError {
        let size = limit >= 1_048_576 ? "\(limit / 1_048_576) MiB" : "\(limit / 1024) KiB"
        return APIError(.contentTooLarge, "body_too_large", "the body is larger than \(size)")
    }
}

extension Parameters {
    /// A path parameter that must be a UUID; anything else is a 404, as no such row can exist.
    func uuid(_ name: String, what: String) throws -> UUID {
        guard let text = get(name), let id = UUID(uuidString: text) else { throw APIError.notFound(what) }
        return id
    }
}
