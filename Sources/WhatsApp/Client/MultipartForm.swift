import Foundation

/// A multipart/form-data body, for uploading media.
struct MultipartForm: Sendable, Equatable {
    let boundary: String
    private(set) var body: [UInt8] = []

    init(boundary: String) {
        self.boundary = boundary
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Adds a plain text field.
    mutating func addField(name: String, value: String) {
        append("--\(boundary)\r\n")
        append("Content-Disposition: form-data; name=\"\(Self.quoted(name))\"\r\n\r\n")
        append(value)
        append("\r\n")
    }

    /// Adds a file field.
    mutating func addFile(name: String, filename: String, contentType: String, bytes: [UInt8]) {
        append("--\(boundary)\r\n")
        append("Content-Disposition: form-data; name=\"\(Self.quoted(name))\"; filename=\"\(Self.quoted(filename))\"\r\n")
        append("Content-Type: \(contentType)\r\n\r\n")
        body += bytes
        append("\r\n")
    }

    /// Ends the form; call once, after the last field.
    mutating func finish() {
        append("--\(boundary)--\r\n")
    }

    private mutating func append(_ text: String) {
        body += Array(text.utf8)
    }

    /// Keeps a header parameter inside its quotes: no quote, no line break.
    private static func quoted(_ value: String) -> String {
        value.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "")
    }
}

extension MultipartForm {
    /// The form the Cloud API's media upload expects: `messaging_product`, `type` and `file`.
    static func mediaUpload(bytes: [UInt8], mimeType: String, filename: String, boundary: String) -> MultipartForm {
        var form = MultipartForm(boundary: boundary)
        form.addField(name: "messaging_product", value: "whatsapp")
        form.addField(name: "type", value: mimeType)
        form.addFile(name: "file", filename: filename, contentType: mimeType, bytes: bytes)
        form.finish()
        return form
    }
}
