import Crypto
import Foundation
import SQLKit
import Storage
import WhatsApp

/// An uploaded image, video or document, kept under the data folder and served at a stable public URL.
public struct MediaItem: Sendable, Encodable {
    public let id: UUID
    public let kind: String
    public let mimeType: String
    public let filename: String
    public let sizeBytes: Int
    public let sha256: String
    public let publicToken: String
    public let createdAt: Date
    public var url: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, filename, sha256, url
        case mimeType = "mime_type", sizeBytes = "size_bytes", publicToken = "public_token", createdAt = "created_at"
    }

    /// Meta's limits for template header media.
    static let rules: [String: (kind: String, maxBytes: Int)] = [
        "image/jpeg": ("image", 5 * 1024 * 1024), "image/png": ("image", 5 * 1024 * 1024),
        "video/mp4": ("video", 16 * 1024 * 1024), "video/3gpp": ("video", 16 * 1024 * 1024),
        "application/pdf": ("document", 100 * 1024 * 1024),
        "application/msword": ("document", 100 * 1024 * 1024),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("document", 100 * 1024 * 1024),
        "application/vnd.ms-excel": ("document", 100 * 1024 * 1024),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("document", 100 * 1024 * 1024),
        "application/vnd.ms-powerpoint": ("document", 100 * 1024 * 1024),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("document", 100 * 1024 * 1024),
        "text/plain": ("document", 100 * 1024 * 1024),
    ]
    static let maxBytes = 100 * 1024 * 1024
}

public struct MediaStore: Sendable {
    let database: Database
    let directory: String

    init(database: Database, dataDirectory: String) {
        self.database = database
        self.directory = dataDirectory + "/media"
    }

    func path(_ id: UUID) -> String { "\(directory)/\(id.uuidString.lowercased())" }

    /// Checks type, size and content, writes the file, then records it; a failed write stores nothing.
    public func save(workspaceID: UUID, mimeType: String, filename: String, bytes: [UInt8]) async throws -> MediaItem {
        let mime = mimeType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard let rule = MediaItem.rules[mime] else {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type",
                "WhatsApp accepts JPEG or PNG images, MP4 or 3GPP videos, and PDF, Office or text documents; got \(mime.isEmpty ? "no type" : mime)",
                field: "Content-Type"
            )
        }
        guard !bytes.isEmpty else { throw APIError.invalid("file", "the file is empty", code: "empty_file") }
        guard bytes.count <= rule.maxBytes else {
            throw APIError(
                .contentTooLarge, "media_too_large",
                "a WhatsApp \(rule.kind) may be at most \(rule.maxBytes / 1024 / 1024) MB; this file is \(String(format: "%.1f", Double(bytes.count) / 1024 / 1024)) MB",
                field: "file"
            )
        }
        guard MediaSignature.matches(bytes, mimeType: mime) else {
            let expected = MediaSignature.describe(mime, kind: rule.kind)
            throw APIError.invalid("file", "the file's content is not \(expected), as its Content-Type \(mime) says it is", code: "content_mismatch")
        }
        let clean = Self.cleanFilename(filename)
        let id = UUID.timeOrdered()
        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path(id), contents: Data(bytes)) else {
            throw APIError(.internalServerError, "storage_failed", "the file could not be stored")
        }
        let item = MediaItem(
            id: id, kind: rule.kind, mimeType: mime, filename: clean, sizeBytes: bytes.count, sha256: digest,
            publicToken: ClickToken.make() + ClickToken.make(), createdAt: Date()
        )
        do {
            try await database.transaction { sql in
                try await sql.raw(
                    """
                    INSERT INTO media (id, workspace_id, kind, mime_type, filename, size_bytes, sha256, public_token, created_at)
                    VALUES (\(bind: id), \(bind: workspaceID), \(bind: item.kind), \(bind: mime), \(bind: clean), \(bind: bytes.count), \(bind: digest),
                        \(bind: item.publicToken), \(bind: item.createdAt))
                    """
                ).run()
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path(id))
            throw error
        }
        return item
    }

    static func cleanFilename(_ name: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-"))
        let cleaned = String(name.unicodeScalars.map { allowed.contains($0) ? Character($0) : "_" }).prefix(120)
        return cleaned.isEmpty || cleaned.allSatisfy({ $0 == "." }) ? "file" : String(cleaned)
    }

    static let columns: SQLQueryString = "id, kind, mime_type, filename, size_bytes, sha256, public_token, created_at"

    public func list(workspaceID: UUID) async throws -> [MediaItem] {
        try await database.read { sql in
            try await sql.raw("SELECT \(Self.columns) FROM media WHERE workspace_id = \(bind: workspaceID) ORDER BY created_at DESC LIMIT 500")
                .all().map(Self.decode)
        }
    }

    public func find(workspaceID: UUID, id: UUID) async throws -> MediaItem? {
        try await database.read { sql in
            try await sql.raw("SELECT \(Self.columns) FROM media WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first().map(Self.decode)
        }
    }

    public func find(publicToken: String) async throws -> MediaItem? {
        try await database.read { sql in
            try await sql.raw("SELECT \(Self.columns) FROM media WHERE public_token = \(bind: publicToken)").first().map(Self.decode)
        }
    }

    public func delete(workspaceID: UUID, id: UUID) async throws -> Bool {
        let deleted = try await database.transaction { sql in
            try await sql.raw("DELETE FROM media WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) RETURNING id").first() != nil
        }
        if deleted { try? FileManager.default.removeItem(atPath: path(id)) }
        return deleted
    }

    /// The account's media id for this file, uploading it the first time (Meta keeps uploads 30 days).
    func remoteID(for item: MediaItem, accountID: UUID, client: CloudAPIClient) async throws -> String {
        let cutoff = Date().addingTimeInterval(-29 * 86_400)
        let existing = try await database.read { sql in
            try await sql.raw(
                "SELECT remote_id FROM media_uploads WHERE media_id = \(bind: item.id) AND account_id = \(bind: accountID) AND uploaded_at > \(bind: cutoff)"
            ).first()?.decode(column: "remote_id", as: String.self)
        }
        if let existing { return existing }
        guard let data = FileManager.default.contents(atPath: path(item.id)) else {
            throw APIError(.notFound, "media_missing", "the file of \(item.filename) is missing from the data folder")
        }
        let remote = try await client.uploadMedia(bytes: Array(data), mimeType: item.mimeType, filename: item.filename)
        try await database.transaction { sql in
            try await sql.raw("DELETE FROM media_uploads WHERE media_id = \(bind: item.id) AND account_id = \(bind: accountID)").run()
            try await sql.raw(
                "INSERT INTO media_uploads (media_id, account_id, remote_id, uploaded_at) VALUES (\(bind: item.id), \(bind: accountID), \(bind: remote), \(bind: Date()))"
            ).run()
        }
        return remote
    }

    static func decode(_ row: any SQLRow) throws -> MediaItem {
        MediaItem(
            id: try row.decode(column: "id", as: UUID.self), kind: try row.decode(column: "kind", as: String.self),
            mimeType: try row.decode(column: "mime_type", as: String.self), filename: try row.decode(column: "filename", as: String.self),
            sizeBytes: try row.decode(column: "size_bytes", as: Int.self), sha256: try row.decode(column: "sha256", as: String.self),
            publicToken: try row.decode(column: "public_token", as: String.self), createdAt: try row.decode(column: "created_at", as: Date.self)
        )
    }
}
