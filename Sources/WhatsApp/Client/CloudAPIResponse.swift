/// Turns an HTTP answer from the Cloud API into a value or a thrown error, without I/O.
enum CloudAPIResponse {
    /// The most of an unexpected body kept in `CloudAPITransportError.badResponse`.
    static let bodyExcerptLength = 500

    /// The body of a 2xx response; otherwise throws the `CloudAPIError` in the envelope, or
    /// `CloudAPITransportError.badResponse` when there is none.
    static func check(status: Int, body: [UInt8]) throws -> [UInt8] {
        if (200..<300).contains(status) { return body }
        if let error = CloudAPIError(httpStatus: status, jsonBody: body) { throw error }
        throw badResponse(status: status, body: body)
    }

    /// Decodes a successful body with `parse`, treating an unreadable one as a bad response.
    static func decode<Value>(status: Int, body: [UInt8], _ parse: ([UInt8]) -> Value?) throws -> Value {
        let checked = try check(status: status, body: body)
        guard let value = parse(checked) else { throw badResponse(status: status, body: body) }
        return value
    }

    static func badResponse(status: Int, body: [UInt8]) -> CloudAPITransportError {
        .badResponse(status: status, body: String(decoding: body.prefix(bodyExcerptLength), as: UTF8.self))
    }

    /// `{"id": "…"}`, the answer to a media upload.
    static func mediaID(_ body: [UInt8]) -> String? {
        struct Wire: Decodable { var id: LenientString }
        return (try? WireJSON.decode(Wire.self, from: body))?.id.value
    }
}
