import Foundation

/// The parts of a `multipart/form-data` body, by field name.
struct MultipartForm: Sendable {
    struct Part: Sendable {
        var name: String
        var filename: String?
        var contentType: String?
        var data: Data
    }

    var parts: [Part] = []

    subscript(name: String) -> Part? { parts.first { $0.name == name } }

    /// Parses `body` given the request's `Content-Type`; `nil` if it is not multipart form data.
    init?(body: Data, contentType: String) {
        guard contentType.lowercased().hasPrefix("multipart/form-data"),
            let boundaryParameter = contentType.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.lowercased().hasPrefix("boundary=") })
        else { return nil }
        let boundary = boundaryParameter.dropFirst("boundary=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        let delimiter = Data("--\(boundary)".utf8)
        let crlf = Data("\r\n".utf8)
        let headerEnd = Data("\r\n\r\n".utf8)

        guard var cursor = body.range(of: delimiter)?.upperBound else { return nil }
        while true {
            // after a delimiter: "--" ends the body, CRLF starts a part
            if body[cursor...].starts(with: Data("--".utf8)) { break }
            guard body[cursor...].starts(with: crlf) else { return nil }
            let partStart = cursor + crlf.count
            guard let headersRange = body.range(of: headerEnd, in: partStart..<body.endIndex),
                let next = body.range(of: crlf + delimiter, in: headersRange.upperBound..<body.endIndex)
            else { return nil }
            let headers = String(decoding: body[partStart..<headersRange.lowerBound], as: UTF8.self)
            if var part = Self.part(headers: headers) {
                part.data = body.subdata(in: headersRange.upperBound..<next.lowerBound)
                parts.append(part)
            }
            cursor = next.upperBound
        }
    }

    private static func part(headers: String) -> Part? {
        var part = Part(name: "", data: Data())
        for line in headers.components(separatedBy: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            switch pair[0].lowercased() {
            case "content-disposition":
                for attribute in pair[1].split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    let kv = attribute.split(separator: "=", maxSplits: 1).map(String.init)
                    guard kv.count == 2 else { continue }
                    let value = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                    if kv[0] == "name" { part.name = value }
                    if kv[0] == "filename" { part.filename = value }
                }
            case "content-type":
                part.contentType = pair[1]
            default:
                continue
            }
        }
        return part.name.isEmpty ? nil : part
    }
}
