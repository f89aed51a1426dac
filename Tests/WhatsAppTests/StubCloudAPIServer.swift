import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A request the stub server received.
struct ReceivedRequest: Sendable {
    var method: HTTPMethod
    var uri: String
    var headers: HTTPHeaders
    var body: [UInt8]
}

/// A tiny HTTP server on 127.0.0.1 that records requests and answers them with a closure,
/// standing in for the Cloud API in client tests (plain NIO, no web framework).
final class StubCloudAPIServer: Sendable {
    typealias Responder = @Sendable (ReceivedRequest) -> (status: HTTPResponseStatus, body: String)

    private let channel: any Channel
    private let received = NIOLockedValueBox<[ReceivedRequest]>([])
    let port: Int

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [ReceivedRequest] { received.withLockedValue { $0 } }

    init(respond: @escaping Responder) async throws {
        let received = self.received
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(StubHandler(received: received, respond: respond))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        port = channel.localAddress?.port ?? 0
    }

    func stop() async throws {
        try await channel.close()
    }
}

private final class StubHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let received: NIOLockedValueBox<[ReceivedRequest]>
    let respond: StubCloudAPIServer.Responder
    var head: HTTPRequestHead?
    var body: [UInt8] = []

    init(received: NIOLockedValueBox<[ReceivedRequest]>, respond: @escaping StubCloudAPIServer.Responder) {
        self.received = received
        self.respond = respond
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = []
        case .body(let buffer):
            body += buffer.readableBytesView
        case .end:
            guard let head else { return }
            let request = ReceivedRequest(method: head.method, uri: head.uri, headers: head.headers, body: body)
            received.withLockedValue { $0.append(request) }
            let (status, text) = respond(request)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(text.utf8.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
