/// Where the Cloud API lives: Meta's Graph API in production, the simulator or a test server otherwise.
///
/// URLs are built as `{baseURL}/{version}/{node}/{edge}`.
public struct CloudAPIEndpoint: Sendable, Equatable {
    /// Scheme and host without a trailing slash, e.g. `https://graph.facebook.com` or `http://127.0.0.1:9090`.
    public var baseURL: String
    /// Graph API version, e.g. `v21.0`.
    public var version: String

    /// Meta's production Graph API.
    public static let production = CloudAPIEndpoint(baseURL: "https://graph.facebook.com", version: "v21.0")

    /// Creates an endpoint; a trailing slash on `baseURL` is dropped so URLs never contain `//`.
    public init(baseURL: String, version: String) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.version = version
    }

    /// `{baseURL}/{version}/{components joined by "/"}`.
    func url(_ components: String...) -> String {
        ([baseURL, version] + components).joined(separator: "/")
    }
}
