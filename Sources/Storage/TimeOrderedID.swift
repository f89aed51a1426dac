import Foundation

extension UUID {
    /// A version 7 UUID: 48 bits of Unix milliseconds, then random bits. Rows inserted together get
    /// neighbouring ids, so bulk inserts append to the primary-key index instead of scattering
    /// across it (on SQLite, where ids are text, this is several times faster at a million rows).
    public static func timeOrdered(at date: Date = Date()) -> UUID {
        var bytes = UUID().uuid
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        bytes.0 = UInt8(truncatingIfNeeded: millis >> 40)
        bytes.1 = UInt8(truncatingIfNeeded: millis >> 32)
        bytes.2 = UInt8(truncatingIfNeeded: millis >> 24)
        bytes.3 = UInt8(truncatingIfNeeded: millis >> 16)
        bytes.4 = UInt8(truncatingIfNeeded: millis >> 8)
        bytes.5 = UInt8(truncatingIfNeeded: millis)
        bytes.6 = (bytes.6 & 0x0F) | 0x70
        bytes.8 = (bytes.8 & 0x3F) | 0x80
        return UUID(uuid: bytes)
    }
}
