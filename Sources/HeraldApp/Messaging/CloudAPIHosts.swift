import Foundation

/// The hosts an account's access token may be sent to: Meta's Graph API over HTTPS, and the ones the
/// operator allows with `HERALD_ALLOWED_API_HOSTS` (a simulator, a proxy), over HTTP or HTTPS.
public struct CloudAPIHosts: Sendable, Equatable {
    public static let metaHost = "graph.facebook.com"

    /// A host the operator allowed; without a port, any port of it.
    struct Entry: Sendable, Hashable {
        let host: String
        let port: Int?
    }

    var entries: [Entry]

    /// Meta's host only.
    public static let metaOnly = CloudAPIHosts(entries: [])
    /// Any port of this machine, for tests and the demo's simulator.
    public static let loopback = CloudAPIHosts(entries: [Entry(host: "127.0.0.1", port: nil), Entry(host: "localhost", port: nil)])

    /// Parses a comma-separated list of `host` or `host:port`, e.g. `127.0.0.1,localhost:9090`.
    public init(parsing text: String) throws(CloudAPIHostsError) {
        entries = []
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            guard let url = URL(string: "http://" + item), let host = url.host, !host.isEmpty, url.path.isEmpty, url.query == nil,
                url.user == nil, url.fragment == nil, url.port.map({ (1...65535).contains($0) }) ?? true
            else { throw CloudAPIHostsError(entry: item) }
            entries.append(Entry(host: Self.normalised(host), port: url.port))
        }
    }

    init(entries: [Entry]) { self.entries = entries }

    /// These hosts and `other`'s.
    public func adding(_ other: CloudAPIHosts) -> CloudAPIHosts { CloudAPIHosts(entries: entries + other.entries) }

    /// Why a token may not be sent to `baseURL`, or nil when it may.
    public func problem(with baseURL: String) -> String? {
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let rawHost = url.host, !rawHost.isEmpty
        else { return "api_base_url must be an http(s) URL such as https://\(Self.metaHost)" }
        guard url.user == nil, url.password == nil, url.query == nil, url.fragment == nil else {
            return "api_base_url may not carry a user name, a query or a fragment"
        }
        let host = Self.normalised(rawHost)
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        if host == Self.metaHost && scheme == "https" && port == 443 { return nil }
        if entries.contains(where: { $0.host == host && ($0.port == nil || $0.port == port) }) { return nil }
        return "api_base_url must be https://\(Self.metaHost), or a host this server allows in HERALD_ALLOWED_API_HOSTS; "
            + "\(scheme)://\(rawHost)\(url.port.map { ":\($0)" } ?? "") is not"
    }

    public func allows(_ baseURL: String) -> Bool { problem(with: baseURL) == nil }

    /// Whether the operator allowed `url`'s host (and port) in `HERALD_ALLOWED_API_HOSTS`: a shop's API may be called
    /// elsewhere than the shop's own host only there (a fake shop in tests, the demo's shop).
    func allowsOperatorHost(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", let rawHost = url.host else { return false }
        let host = Self.normalised(rawHost), port = url.port ?? (scheme == "https" ? 443 : 80)
        return entries.contains { $0.host == host && ($0.port == nil || $0.port == port) }
    }

    static func normalised(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.hasSuffix(".") ? String(host.dropLast()) : host
    }
}

/// An entry of `HERALD_ALLOWED_API_HOSTS` that is not `host` or `host:port`.
public struct CloudAPIHostsError: Error, Sendable {
    public let entry: String
}
