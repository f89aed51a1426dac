import Testing

@testable import WhatsApp

@Suite("Webhook signatures")
struct WebhookSignatureTests {
    let body = Array(#"{"object":"whatsapp_business_account","entry":[]}"#.utf8)
    let secret = "app-secret-123"

    @Test("a known HMAC-SHA256 vector is signed as sha256=<lowercase hex>")
    func knownVector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let signature = WebhookSignature.sign(body: Array("what do ya want for nothing?".utf8), appSecret: "Jefe")
        #expect(signature == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("a body signed with the app secret is valid")
    func valid() {
        let header = WebhookSignature.sign(body: body, appSecret: secret)
        #expect(WebhookSignature.isValid(body: body, header: header, appSecret: secret))
    }

    @Test("uppercase hex is accepted")
    func uppercaseHex() {
        let header = WebhookSignature.sign(body: body, appSecret: secret)
        let upper = "sha256=" + header.dropFirst("sha256=".count).uppercased()
        #expect(WebhookSignature.isValid(body: body, header: upper, appSecret: secret))
    }

    @Test("a signature made with another secret is rejected")
    func wrongSecret() {
        let header = WebhookSignature.sign(body: body, appSecret: "someone-else")
        #expect(!WebhookSignature.isValid(body: body, header: header, appSecret: secret))
    }

    @Test("a body changed after signing is rejected")
    func tampered() {
        let header = WebhookSignature.sign(body: body, appSecret: secret)
        var changed = body
        changed[changed.count - 2] = UInt8(ascii: " ")
        #expect(!WebhookSignature.isValid(body: changed, header: header, appSecret: secret))
    }

    @Test("a missing header is rejected")
    func missing() {
        #expect(!WebhookSignature.isValid(body: body, header: nil, appSecret: secret))
        #expect(!WebhookSignature.isValid(body: body, header: "", appSecret: secret))
    }

    @Test(
        "malformed headers are rejected",
        arguments: [
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",  // no prefix
            "sha1=5bdcc146bf60754e6a042426089575c75a003f08",  // another algorithm
            "sha256=",  // empty
            "sha256=zz",  // not hex
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec384",  // odd length
            "sha256=5bdcc146bf60754e6a042426089575c7",  // too short
        ]
    )
    func malformed(header: String) {
        #expect(!WebhookSignature.isValid(body: body, header: header, appSecret: secret))
    }

    @Test("an empty app secret never validates")
    func emptySecret() {
        let header = WebhookSignature.sign(body: body, appSecret: "")
        #expect(!WebhookSignature.isValid(body: body, header: header, appSecret: ""))
    }
}
