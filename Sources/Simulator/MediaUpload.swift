import Foundation
import Hummingbird
import NIOFoundationCompat

/// `POST /{phone-number-id}/media`: multipart upload checked against Meta's types and sizes.
struct MediaUpload {
    let request: Request
    let state: SimulatorState

    /// Largest accepted body: the 100 MB document limit plus room for the form around it.
    static let maxBody = 110 * 1024 * 1024

    func response() async throws(GraphError) -> Response {
        let buffer = try await collect(request, upTo: Self.maxBody)
        guard let form = MultipartForm(body: Data(buffer: buffer), contentType: request.headers[.contentType] ?? "") else {
            throw .invalidParameter("The request must be multipart/form-data.")
        }
        guard form["messaging_product"].map({ String(decoding: $0.data, as: UTF8.self) }) == "whatsapp" else {
            throw .invalidParameter("The parameter messaging_product is required and must be \"whatsapp\".")
        }
        guard let file = form["file"] else { throw .invalidParameter("The parameter file is required.") }
        let type = (form["type"].map { String(decoding: $0.data, as: UTF8.self) } ?? file.contentType ?? "").lowercased()
        guard let limit = Self.limits[type] else {
            throw GraphError(code: 131053, details: "Unsupported media type \(type.isEmpty ? "(none)" : type).", status: .badRequest)
        }
        guard file.data.count <= limit else {
            throw GraphError(
                code: 131053,
                details: "\(type) files must be at most \(limit) bytes; this one is \(file.data.count).",
                status: .badRequest
            )
        }
        return Wire.response(["id": await state.newMediaID()])
    }

    private static let megabyte = 1024 * 1024
    /// MIME type → largest size Meta accepts.
    static let limits: [String: Int] = {
        var limits: [String: Int] = ["image/jpeg": 5 * megabyte, "image/png": 5 * megabyte, "video/mp4": 16 * megabyte, "video/3gpp": 16 * megabyte]
        for audio in ["audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"] { limits[audio] = 16 * megabyte }
        let documents = [
            "text/plain", "application/pdf", "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ]
        for document in documents { limits[document] = 100 * megabyte }
        return limits
    }()
}
