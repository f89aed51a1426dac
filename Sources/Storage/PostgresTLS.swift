import PostgresNIO

/// How the connection to PostgreSQL is protected, named as libpq's `sslmode` and `sslrootcert` name it.
public struct PostgresTLS: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// Whether a connection without TLS is accepted.
    public enum Requirement: Sendable, Equatable {
        /// Plain connections only (`disable`, and `allow`, which libpq also starts without TLS).
        case never
        /// TLS when the server offers it, plain otherwise (`prefer`).
        case ifOffered
        /// TLS or no connection (`require`, `verify-ca`, `verify-full`).
        case always
    }

    public var mode: Mode
    /// A PEM file of the certificate authorities to trust instead of the system's.
    public var rootCertificatePath: String?

    public static let disable = PostgresTLS(mode: .disable)

    public init(mode: Mode, rootCertificatePath: String? = nil) {
        self.mode = mode
        self.rootCertificatePath = rootCertificatePath
    }

    public var requirement: Requirement {
        switch mode {
        case .disable, .allow: .never
        case .prefer: .ifOffered
        case .require, .verifyCA, .verifyFull: .always
        }
    }

    /// The TLS settings used when TLS is tried: like libpq, `prefer` and `require` encrypt without checking
    /// the certificate, `verify-ca` checks it against the trusted authorities, `verify-full` also checks the host name.
    var clientConfiguration: TLSConfiguration? {
        guard requirement != .never else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case .disable, .allow, .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        if let rootCertificatePath { configuration.trustRoots = .file(rootCertificatePath) }
        return configuration
    }

    /// PostgresNIO's form of these settings.
    var client: PostgresClient.Configuration.TLS {
        guard let configuration = clientConfiguration else { return .disable }
        return requirement == .always ? .require(configuration) : .prefer(configuration)
    }
}
