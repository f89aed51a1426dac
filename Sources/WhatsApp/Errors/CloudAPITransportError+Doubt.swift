extension CloudAPITransportError {
    /// Whether the request may have reached Meta before it failed, so that Meta may have sent the message.
    ///
    /// Only a failure to open the connection (refused, DNS, TLS handshake, connect timeout) proves the
    /// request never left. A timeout, reset or closed connection afterwards may come after Meta accepted
    /// it, and so may a gateway's 502 or 504 page. Meta has no idempotency key: sending such a message
    /// again at once could deliver it twice.
    public var mayHaveReachedMeta: Bool {
        switch self {
        case .badResponse(let status, _):
            return status == 502 || status == 504
        case .unreachable(let reason):
            let text = reason.lowercased()
            return !Self.connectionNeverOpened.contains { text.contains($0) }
        }
    }

    /// How async-http-client and SwiftNIO describe failures to open a connection (lower case).
    static let connectionNeverOpened = [
        "refused", "nioconnectionerror", "connecttimeout", "connect timeout", "dns", "host not found", "nosuchhost",
        "network is unreachable", "no route to host", "niosslerror", "handshake", "invalidurl", "emptyhost", "unsupportedscheme",
    ]
}
