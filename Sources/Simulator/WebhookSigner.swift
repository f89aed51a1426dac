import Crypto
import Foundation

/// Meta's `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256 of the exact body bytes.
struct WebhookSigner: Sendable {
    let secret: Data

    init(appSecret: String) {
        secret = Data(appSecret.utf8)
    }

    func signature(for body: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}
