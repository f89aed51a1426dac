import Foundation
import Hummingbird

/// `GET /media/{token}/{filename}`: the stable public address of a library file, for header links.
struct PublicMediaController {
    let media: MediaStore
    let files = FileIO(threadPool: .singleton)

    /// Whatever a file holds, a browser shows it as its stored type only, with no script, form or plugin:
    /// a file opened from Herald's own origin can then do nothing in it.
    static let headers: HTTPFields = [
        .init("X-Content-Type-Options")!: "nosniff", .contentSecurityPolicy: "default-src 'none'; sandbox", .cacheControl: "public, max-age=86400",
    ]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("media/:token/:filename", use: serve)
    }

    /// Streams the file from disk in chunks while it is sent (files may be 100 MB).
    @Sendable func serve(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let token = context.parameters.get("token"), token.count <= 64, let item = try await media.find(publicToken: token) else {
            throw APIError.notFound("the file")
        }
        let body: ResponseBody
        do { body = try await files.loadFile(path: media.path(item.id), context: context) } catch { throw APIError.notFound("the file") }
        var headers = Self.headers
        headers[.contentType] = item.mimeType
        if let length = body.contentLength { headers[.contentLength] = String(length) }
        return Response(status: .ok, headers: headers, body: body)
    }
}
