import Foundation

/// Makes Meta-looking, unique message ids (`wamid.HBg…`).
///
/// Ids embed a random per-instance nonce and a counter, so a restarted simulator never repeats an
/// id Herald has already stored; outcomes do not depend on ids, so runs stay deterministic.
struct MessageIDs: Sendable {
    private let nonce = UInt32.random(in: .min ... .max)
    private var counter: UInt64 = 0

    mutating func next(for phone: String) -> String {
        counter += 1
        let digits = Array(phone.utf8.prefix(20))
        var bytes: [UInt8] = [0x1c, 0x18, UInt8(digits.count)] + digits + [0x15, 0x02, 0x00, 0x11, 0x18, 0x12]
        let tag = String(format: "%08X%010llX", nonce, counter & 0xff_ffff_ffff)
        bytes += Array(tag.utf8) + [0x00]
        return "wamid." + Data(bytes).base64EncodedString()
    }
}

/// Names shown as the WhatsApp profile of simulated users, picked by phone number.
enum ProfileNames {
    private static let names = [
        "Aisha", "Bruno", "Chen", "Divya", "Emeka", "Fatima", "Gabriel", "Hana", "Ivan", "Jess",
        "Kwame", "Lucia", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sipho", "Tariq",
    ]

    static func name(for phone: String) -> String {
        let sum = phone.utf8.reduce(0) { ($0 &* 31) &+ Int($1) }
        return names[abs(sum % names.count)]
    }
}
