import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Talks to the WhatsApp Cloud API for one business account: sends messages, uploads media,
/// lists and creates templates.
///
/// Failures are thrown as `CloudAPIError` (Meta answered with an error envelope) or
/// `CloudAPITransportError` (no usable answer); `errorAction(for:)` says what to do about either.
public struct CloudAPIClient: Sendable {
    let httpClient: HTTPClient
    public let endpoint: CloudAPIEndpoint
    public let credentials: WhatsAppCredentials
    let timeout: TimeAmount
    let logger: Logger

    /// The largest response body read; Cloud API answers are small, template lists the largest.
    static let maxResponseBytes = 16 * 1024 * 1024

    public init(
        httpClient: HTTPClient,
        endpoint: CloudAPIEndpoint,
        credentials: WhatsAppCredentials,
        timeout: TimeAmount = .seconds(15),
        logger: Logger = Logger(label: "herald.whatsapp")
    ) {
        self.httpClient = httpClient
        self.endpoint = endpoint
        self.credentials = credentials
        self.timeout = timeout
        self.logger = logger
    }

    /// Sends a template message.
    public func send(_ message: TemplateMessage) async throws -> SendResult {
        try await sendMessage(body: message.jsonBody())
    }

    /// Sends a free-form text message (only within the 24-hour customer-service window).
    public func send(_ message: TextMessage) async throws -> SendResult {
        try await sendMessage(body: message.jsonBody())
    }

    /// Fetches the business number's details: a cheap way to check the ID and token work.
    public func phoneNumberInfo() async throws -> PhoneNumberInfo {
        let (status, body) = try await perform(.phoneNumberInfo(endpoint: endpoint, credentials: credentials))
        return try CloudAPIResponse.decode(status: status, body: body, PhoneNumberInfo.init(jsonBody:))
    }

    /// Uploads a media file and returns its ID, usable as `MediaSource.id` for 30 days.
    public func uploadMedia(bytes: [UInt8], mimeType: String, filename: String) async throws -> String {
        let boundary = "herald-\(UUID().uuidString)"
        let form = MultipartForm.mediaUpload(bytes: bytes, mimeType: mimeType, filename: filename, boundary: boundary)
        let (status, body) = try await perform(.uploadMedia(form, endpoint: endpoint, credentials: credentials))
        return try CloudAPIResponse.decode(status: status, body: body, CloudAPIResponse.mediaID)
    }

    private func sendMessage(body: [UInt8]) async throws -> SendResult {
        let (status, response) = try await perform(.sendMessage(body, endpoint: endpoint, credentials: credentials))
        return try CloudAPIResponse.decode(status: status, body: response, SendResult.init(jsonBody:))
    }

    /// Executes a request and reads the whole answer; transport failures become `CloudAPITransportError.unreachable`.
    func perform(_ request: CloudAPIRequest) async throws -> (status: Int, body: [UInt8]) {
        var httpRequest = HTTPClientRequest(url: request.url)
        httpRequest.method = request.method == .post ? .POST : .GET
        for (name, value) in request.headers { httpRequest.headers.add(name: name, value: value) }
        if let body = request.body { httpRequest.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await httpClient.execute(httpRequest, timeout: timeout, logger: logger)
            let body = try await response.body.collect(upTo: Self.maxResponseBytes)
            let status = Int(response.status.code)
            logger.debug("cloud api response", metadata: ["method": "\(request.method.rawValue)", "status": "\(status)"])
            return (status, Array(body.readableBytesView))
        } catch let error as CancellationError {
            throw error
        } catch {
            logger.info("cloud api unreachable", metadata: ["method": "\(request.method.rawValue)", "error": "\(error)"])
            throw CloudAPITransportError.unreachable(String(describing: error))
        }
    }
}
