extension CloudAPIError {
    /// Parses Meta's error envelope `{"error":{"message","type","code","error_data":{"details"},"error_subcode","fbtrace_id"}}`;
    /// nil when the body is not one.
    public init?(httpStatus: Int, jsonBody bytes: [UInt8]) {
        guard let envelope = try? WireJSON.decode(Envelope.self, from: bytes), let code = envelope.error.code else { return nil }
        let error = envelope.error
        self.init(
            httpStatus: httpStatus,
            code: code,
            subcode: error.subcode,
            message: error.message ?? "",
            details: error.errorData?.details,
            type: error.type,
            fbtraceID: error.fbtraceID
        )
    }

    /// The envelope the Cloud API would send for this error (used by the simulator and tests).
    public func jsonBody() -> [UInt8] {
        WireJSON.encode(
            Envelope(
                error: .init(
                    message: message,
                    type: type,
                    code: code,
                    errorData: .init(messagingProduct: "whatsapp", details: details),
                    subcode: subcode,
                    fbtraceID: fbtraceID
                )
            )
        )
    }

    struct Envelope: Codable {
        struct Body: Codable {
            struct ErrorData: Codable {
                var messagingProduct: String?
                var details: String?
                enum CodingKeys: String, CodingKey {
                    case messagingProduct = "messaging_product"
                    case details
                }
            }
            var message: String?
            var type: String?
            var code: Int?
            var errorData: ErrorData?
            var subcode: Int?
            var fbtraceID: String?
            enum CodingKeys: String, CodingKey {
                case message, type, code
                case errorData = "error_data"
                case subcode = "error_subcode"
                case fbtraceID = "fbtrace_id"
            }
        }
        var error: Body
    }
}
