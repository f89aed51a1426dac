import Foundation

/// The first bytes each accepted media type starts with. A file is kept only when its bytes match its declared
/// type, so that an HTML or script file cannot be stored as an "image" and served from Herald's own origin.
enum MediaSignature {
    static let ole2: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    static let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04]

    /// Whether `bytes` look like a file of `mimeType` (one of ``MediaItem/rules``' keys).
    static func matches(_ bytes: [UInt8], mimeType: String) -> Bool {
        switch mimeType {
        case "image/jpeg": return bytes.starts(with: [0xFF, 0xD8, 0xFF])
        case "image/png": return bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // ISO base media files (MP4 and 3GPP alike) open with a box whose type, at offset 4, is `ftyp`.
        case "video/mp4", "video/3gpp": return bytes.count >= 8 && bytes[4..<8].elementsEqual("ftyp".utf8)
        case "application/pdf": return bytes.starts(with: Array("%PDF-".utf8))
        // The older Office formats are OLE2 compound files; the newer ones (docx, xlsx, pptx) are ZIP archives.
        case "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint": return bytes.starts(with: ole2)
        case let type where type.hasPrefix("application/vnd.openxmlformats-officedocument."): return bytes.starts(with: zip)
        case "text/plain": return !bytes.contains(0) && String(validating: bytes, as: UTF8.self) != nil
        default: return false
        }
    }

    /// What a person calls the type, for the refusal's message.
    static func describe(_ mimeType: String, kind: String) -> String {
        switch mimeType {
        case "image/jpeg": "a JPEG image"
        case "image/png": "a PNG image"
        case "video/mp4": "an MP4 video"
        case "video/3gpp": "a 3GPP video"
        case "application/pdf": "a PDF document"
        case "text/plain": "UTF-8 text"
        default: "a \(kind) of type \(mimeType)"
        }
    }
}
