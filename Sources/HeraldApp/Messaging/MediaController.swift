import Foundation
import Hummingbird

/// `/api/media`: the media library. Upload is the raw file as the body, with its Content-Type and `?filename=`.
struct MediaController {
    let media: MediaStore
    let publicBaseURL: String

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("media", use: list)
        group.post("media", use: upload)
        group.get("media/{id}", use: show)
        group.delete("media/{id}", use: delete)
    }

    func withURL(_ item: MediaItem) -> MediaItem {
        var copy = item
        copy.url = "\(publicBaseURL)/media/\(item.publicToken)/\(item.filename)"
        return copy
    }

    @Sendable func upload(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let type = request.headers[.contentType] ?? ""
        let filename = request.uri.queryParameters["filename"].map(String.init) ?? "upload"
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: MediaItem.maxBytes) } catch {
            throw APIError(.contentTooLarge, "media_too_large", "a WhatsApp document may be at most 100 MB", field: "file")
        }
        let item = try await media.save(workspaceID: context.access.workspaceID, mimeType: type, filename: filename, bytes: Array(buffer.readableBytesView))
        return try JSONResponse.make(withURL(item), status: .created)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        struct List: Encodable { let data: [MediaItem] }
        return try JSONResponse.make(List(data: try await media.list(workspaceID: context.access.workspaceID).map(withURL)))
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)), let item = try await media.find(workspaceID: context.access.workspaceID, id: id)
        else { throw APIError.notFound("the file") }
        return try JSONResponse.make(withURL(item))
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)), try await media.delete(workspaceID: context.access.workspaceID, id: id)
        else { throw APIError.notFound("the file") }
        return Response(status: .noContent)
    }
}
