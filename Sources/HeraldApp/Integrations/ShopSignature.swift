import Crypto
import Foundation

/// Shopify's `X-Shopify-Hmac-Sha256` and WooCommerce's `X-WC-Webhook-Signature`: both are the base64 of the binary
/// HMAC-SHA256 of the raw body, keyed with the webhook secret.
enum ShopSignature {
    static func sign(body: some Collection<UInt8>, secret: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Array(body), using: SymmetricKey(data: Array(secret.utf8)))).base64EncodedString()
    }

    /// Whether `header` signs `body`; the comparison takes the same time wherever the bytes differ. A missing or
    /// malformed header and an empty secret are never valid.
    static func isValid(body: some Collection<UInt8>, header: String?, secret: String) -> Bool {
        guard !secret.isEmpty, let header, let expected = Data(base64Encoded: header.trimmingCharacters(in: .whitespaces)),
            expected.count == SHA256.byteCount
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: Array(body), using: SymmetricKey(data: Array(secret.utf8)))
    }

    /// A stable key for a delivery that names none: its topic and the SHA-256 of its body.
    static func contentKey(topic: String, body: some Collection<UInt8>) -> String {
        "\(topic):" + SHA256.hash(data: Array(body)).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
