import Crypto
import Foundation

/// The `X-Hub-Signature-256` header Meta puts on every webhook delivery: an HMAC-SHA256 of the
/// raw body keyed with the app secret. Check it before trusting or storing anything.
public enum WebhookSignature {
    /// The header value Meta would send for `body`: `sha256=<lowercase hex>`.
    public static func sign(body: some Collection<UInt8>, appSecret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(body), using: SymmetricKey(data: Array(appSecret.utf8)))
        return "sha256=" + mac.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    /// Whether `header` is a valid signature of `body`. Accepts upper- or lowercase hex; rejects a
    /// missing header, another algorithm, malformed hex and an empty secret. The comparison takes
    /// the same time wherever the bytes differ.
    public static func isValid(body: some Collection<UInt8>, header: String?, appSecret: String) -> Bool {
        guard !appSecret.isEmpty, let header else { return false }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        let prefix = "sha256="
        guard trimmed.lowercased().hasPrefix(prefix), let expected = bytes(fromHex: trimmed.dropFirst(prefix.count)),
            expected.count == SHA256.byteCount
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            expected,
            authenticating: Array(body),
            using: SymmetricKey(data: Array(appSecret.utf8))
        )
    }

    private static func bytes(fromHex hex: Substring) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
