import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import HeraldApp

@Suite("Media library: content checks and safe serving")
struct MediaSafetyTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 64)
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 1, count: 64)
    static let mp4: [UInt8] = [0, 0, 0, 0x18] + Array("ftypmp42".utf8) + Array(repeating: 0, count: 64)
    static let pdf: [UInt8] = Array("%PDF-1.7\n".utf8) + Array(repeating: 0x20, count: 64)
    static let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 64)
    static let ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + Array(repeating: 0, count: 64)
    static let html: [UInt8] = Array("<html><script>alert(document.cookie)</script></html>".utf8)

    func upload(_ app: TestApp, _ bytes: [UInt8], type: String, name: String) async throws -> TestResponse {
        try await app.client.executeRequest(
            uri: "/api/media?filename=\(name)", method: .post, headers: [.authorization: "Bearer \(app.key)", .contentType: type],
            body: ByteBuffer(bytes: bytes)
        )
    }

    @Test("an upload whose bytes are not of its declared type is refused at field file", arguments: Engine.available)
    func contentMismatch(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let refused: [([UInt8], String)] = [
                (Self.html, "image/png"), (Self.html, "image/jpeg"), (Self.png, "image/jpeg"), (Self.html, "video/mp4"), (Self.html, "video/3gpp"),
                (Self.html, "application/pdf"), (Self.pdf, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                (Self.zip, "application/msword"), ([0x00, 0x01, 0x02, 0xFF, 0xFE], "text/plain"),
            ]
            for (bytes, type) in refused {
                expectError(try await upload(app, bytes, type: type, name: "x"), .unprocessableContent, code: "content_mismatch", field: "file")
            }
            #expect(try await app.request(.get, "/api/media").json["data"].array.isEmpty, "nothing half-stored")
            let accepted: [([UInt8], String)] = [
                (Self.png, "image/png"), (Self.jpeg, "image/jpeg"), (Self.mp4, "video/mp4"), (Self.mp4, "video/3gpp"), (Self.pdf, "application/pdf"),
                (Self.zip, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (Self.ole, "application/vnd.ms-excel"),
                (Array("Plain words, äöü.\n".utf8), "text/plain; charset=utf-8"),
            ]
            for (bytes, type) in accepted {
                let response = try await upload(app, bytes, type: type, name: "ok")
                #expect(response.status == .created, "\(type): \(response.text)")
            }
        }
    }

    @Test("a public file is served with nosniff and a sandboxing Content-Security-Policy", arguments: Engine.available)
    func servedHeaders(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let saved = try await upload(app, Self.pdf, type: "application/pdf", name: "flyer.pdf")
            let url = try #require(saved.json["url"].string)
            let served = try await app.request(.get, String(url.dropFirst("http://127.0.0.1:8080".count)), key: "")
            #expect(served.status == .ok)
            #expect(Array(served.body.readableBytesView) == Self.pdf)
            #expect(served.headers[.contentType] == "application/pdf")
            #expect(served.headers[.init("X-Content-Type-Options")!] == "nosniff")
            let policy = try #require(served.headers[.contentSecurityPolicy])
            #expect(policy.contains("default-src 'none'") && policy.contains("sandbox"), "\(policy)")
            #expect(served.headers[.contentLength] == String(Self.pdf.count))
        }
    }

    @Test("a public download reads the file from disk while it is sent, not all before")
    func streamed() async throws {
        try await TestApp.with(.sqlite) { app in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-media-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let store = MediaStore(database: app.database, dataDirectory: folder)
            let item = try await store.save(workspaceID: app.workspace.id, mimeType: "image/png", filename: "a.png", bytes: Self.png)
            let router = Router(context: AppRequestContext.self)
            PublicMediaController(media: store).addRoutes(to: router)
            try await Application(router: router, logger: TestDatabase.logger).test(.router) { client in
                let served = try await client.executeRequest(uri: "/media/\(item.publicToken)/a.png", method: .get, headers: [:], body: nil)
                #expect(Array(served.body.readableBytesView) == Self.png)
            }
            // The handler's answer before its body is written: a file changed in between is sent as it is now.
            let router2 = Router(context: AppRequestContext.self)
            let changed = Self.png.map { $0 == 7 ? 9 : $0 }
            router2.get("check") { request, context -> Response in
                var context = context
                context.coreContext.parameters = ["token": item.publicToken[...], "filename": "a.png"]
                let response = try await PublicMediaController(media: store).serve(request, context: context)
                try Data(changed).write(to: URL(fileURLWithPath: store.path(item.id)))
                return response
            }
            try await Application(router: router2, logger: TestDatabase.logger).test(.router) { client in
                let served = try await client.executeRequest(uri: "/check", method: .get, headers: [:], body: nil)
                #expect(Array(served.body.readableBytesView) == changed, "the body was read before the response was sent")
            }
        }
    }
}
