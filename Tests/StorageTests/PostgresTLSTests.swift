import PostgresNIO
import Testing

@testable import Storage

@Suite("TLS to PostgreSQL")
struct PostgresTLSTests {
    func tls(_ query: String) throws -> PostgresTLS {
        guard case .postgres(_, _, _, _, _, let tls) = try DatabaseURL(parsing: "postgres://u:p@db.internal:5432/herald" + query) else {
            Issue.record("not a postgres URL")
            return .disable
        }
        return tls
    }

    /// The case of PostgresNIO's TLS setting the client is opened with (`disable`, `prefer` or `require`); PostgresNIO
    /// keeps it internal, so it is read by reflection. Item 12's bug was `require` reaching PostgresNIO as `prefer`.
    func clientMode(_ tls: PostgresTLS) -> String? {
        Mirror(reflecting: tls.client).descendant("base").map { base in Mirror(reflecting: base).children.first?.label ?? "\(base)" }
    }

    @Test("sslmode=require encrypts or fails, without checking the certificate, like libpq")
    func require() throws {
        let tls = try tls("?sslmode=require")
        #expect(tls.mode == .require)
        #expect(tls.requirement == .always)
        #expect(clientMode(tls) == "require")
        #expect(tls.clientConfiguration?.certificateVerification == CertificateVerification.none)
    }

    @Test("sslmode=verify-full encrypts or fails, and checks the certificate and the host name")
    func verifyFull() throws {
        let tls = try tls("?sslmode=verify-full")
        #expect(tls.requirement == .always)
        #expect(clientMode(tls) == "require")
        #expect(tls.clientConfiguration?.certificateVerification == .fullVerification)
    }

    @Test("verify-ca checks the certificate but not the name; sslrootcert names the CA file")
    func verifyCA() throws {
        let tls = try tls("?sslmode=verify-ca&sslrootcert=/etc/herald/ca.pem")
        #expect(tls.requirement == .always)
        #expect(tls.clientConfiguration?.certificateVerification == .noHostnameVerification)
        #expect(tls.clientConfiguration?.trustRoots == .file("/etc/herald/ca.pem"))
    }

    @Test("prefer encrypts when the server offers it; no sslmode, disable and allow do not try")
    func weakerModes() throws {
        #expect(try tls("?sslmode=prefer").requirement == .ifOffered)
        #expect(clientMode(try tls("?sslmode=prefer")) == "prefer")
        #expect(clientMode(try tls("")) == "disable")
        for query in ["", "?sslmode=disable", "?sslmode=allow"] {
            #expect(try tls(query).requirement == .never, "\(query)")
        }
    }

    @Test("an sslmode Herald does not know is refused rather than read as no TLS")
    func unknownMode() {
        #expect(throws: StorageError.self) { _ = try DatabaseURL(parsing: "postgres://u@db/herald?sslmode=requre") }
    }
}
