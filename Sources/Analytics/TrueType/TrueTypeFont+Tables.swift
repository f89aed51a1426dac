import Foundation

/// Big-endian reads into a font file or one of its tables; every read is bounds-checked.
struct FontBytes {
    let bytes: Data
    init(_ bytes: Data) { self.bytes = bytes }

    func u8(_ offset: Int) throws -> UInt8 {
        guard offset >= 0, offset < bytes.count else { throw TrueTypeFont.Error.truncated }
        return bytes[bytes.startIndex + offset]
    }
    func u16(_ offset: Int) throws -> UInt16 { UInt16(try u8(offset)) << 8 | UInt16(try u8(offset + 1)) }
    func i16(_ offset: Int) throws -> Int16 { Int16(bitPattern: try u16(offset)) }
    func u32(_ offset: Int) throws -> UInt32 { UInt32(try u16(offset)) << 16 | UInt32(try u16(offset + 2)) }
    func i32(_ offset: Int) throws -> Int32 { Int32(bitPattern: try u32(offset)) }

    func slice(_ range: Range<Int>) throws -> FontBytes {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { throw TrueTypeFont.Error.truncated }
        return FontBytes(bytes.subdata(in: (bytes.startIndex + range.lowerBound)..<(bytes.startIndex + range.upperBound)))
    }
}

extension TrueTypeFont {
    static func tableDirectory(_ file: FontBytes) throws -> [String: Range<Int>] {
        let count = Int(try file.u16(4))
        var tables: [String: Range<Int>] = [:]
        for index in 0..<count {
            let record = 12 + index * 16
            let tag = String(decoding: try (0..<4).map { try file.u8(record + $0) }, as: UTF8.self)
            let offset = Int(try file.u32(record + 8)), length = Int(try file.u32(record + 12))
            tables[tag] = offset..<(offset + length)
        }
        return tables
    }

    /// The Unicode character map: format 12 (every plane) when present, else format 4 (the BMP).
    static func readCharacterMap(_ cmap: FontBytes) throws -> [UInt32: UInt16] {
        let count = Int(try cmap.u16(2))
        var format4: Int?, format12: Int?
        for index in 0..<count {
            let record = 4 + index * 8
            let platform = try cmap.u16(record), encoding = try cmap.u16(record + 2)
            let offset = Int(try cmap.u32(record + 4))
            let unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))
            guard unicode else { continue }
            switch try cmap.u16(offset) {
            case 12: format12 = format12 ?? offset
            case 4: format4 = format4 ?? offset
            default: continue
            }
        }
        if let offset = format12 { return try readFormat12(cmap, at: offset) }
        if let offset = format4 { return try readFormat4(cmap, at: offset) }
        throw Error.noUnicodeCharacterMap
    }

    static func readFormat4(_ cmap: FontBytes, at base: Int) throws -> [UInt32: UInt16] {
        let segmentsTimesTwo = Int(try cmap.u16(base + 6))
        let ends = base + 14, starts = ends + segmentsTimesTwo + 2
        let deltas = starts + segmentsTimesTwo, rangeOffsets = deltas + segmentsTimesTwo
        var map: [UInt32: UInt16] = [:]
        for segment in stride(from: 0, to: segmentsTimesTwo, by: 2) {
            let end = Int(try cmap.u16(ends + segment)), start = Int(try cmap.u16(starts + segment))
            let delta = Int(try cmap.u16(deltas + segment)), rangeOffset = Int(try cmap.u16(rangeOffsets + segment))
            guard start <= end else { continue }
            for code in start...end where code != 0xFFFF {
                var glyph: Int
                if rangeOffset == 0 {
                    glyph = (code + delta) & 0xFFFF
                } else {
                    glyph = Int(try cmap.u16(rangeOffsets + segment + rangeOffset + 2 * (code - start)))
                    if glyph != 0 { glyph = (glyph + delta) & 0xFFFF }
                }
                if glyph != 0 { map[UInt32(code)] = UInt16(glyph) }
            }
        }
        return map
    }

    static func readFormat12(_ cmap: FontBytes, at base: Int) throws -> [UInt32: UInt16] {
        let groups = Int(try cmap.u32(base + 12))
        var map: [UInt32: UInt16] = [:]
        for group in 0..<groups {
            let record = base + 16 + group * 12
            let start = try cmap.u32(record), end = try cmap.u32(record + 4), first = try cmap.u32(record + 8)
            guard start <= end, end - start < 0x11_0000 else { continue }
            for code in start...end {
                let glyph = first + (code - start)
                if glyph != 0, glyph <= 0xFFFF { map[code] = UInt16(glyph) }
            }
        }
        return map
    }

    /// Name id 6 from a Windows (UTF-16BE) or Macintosh (ASCII) record.
    static func readPostScriptName(_ name: FontBytes) -> String? {
        guard let count = try? name.u16(2), let storage = try? name.u16(4) else { return nil }
        for index in 0..<Int(count) {
            let record = 6 + index * 12
            guard let platform = try? name.u16(record), let id = try? name.u16(record + 6), id == 6,
                let length = try? name.u16(record + 8), let offset = try? name.u16(record + 10),
                let bytes = try? name.slice((Int(storage) + Int(offset))..<(Int(storage) + Int(offset) + Int(length)))
            else { continue }
            if platform == 3 || platform == 0 {
                return String(data: bytes.bytes, encoding: .utf16BigEndian)
            }
            return String(decoding: bytes.bytes, as: UTF8.self)
        }
        return nil
    }
}
