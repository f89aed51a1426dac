import Testing

@testable import WhatsApp

@Suite("Error classification")
struct ErrorActionTests {
    @Test(
        "throughput, spam, API rate limits, unknown and unavailable service, maintenance: back off and retry",
        arguments: [130429, 131048, 131000, 131016, 131057, 4, 80007]
    )
    func retried(code: Int) {
        #expect(ErrorAction.classify(code: code) == .retry)
        #expect(ErrorAction.classify(code: code).isRetryable)
    }

    @Test("131056, the pair rate limit, waits 4^n seconds")
    func pairRate() {
        #expect(ErrorAction.classify(code: 131056) == .pairRateLimited)
        #expect(ErrorAction.pairRateLimited.isRetryable)
    }

    @Test("131049, the per-user marketing limit, waits at least 24 hours")
    func marketingLimit() {
        #expect(ErrorAction.classify(code: 131049) == .retryAfter(seconds: 86_400))
        #expect(ErrorAction.retryAfter(seconds: 86_400).isRetryable)
    }

    @Test("131050, user stopped marketing messages: suppress the contact, never retry")
    func suppressed() {
        #expect(ErrorAction.classify(code: 131050) == .suppressContact)
        #expect(!ErrorAction.suppressContact.isRetryable)
    }

    @Test(
        "undeliverable, outside the window, and malformed-request errors are dropped",
        arguments: [131026, 131047, 132000, 132001, 132005, 132007, 132012]
    )
    func dropped(code: Int) {
        #expect(ErrorAction.classify(code: code) == .drop)
        #expect(!ErrorAction.classify(code: code).isRetryable)
    }

    @Test("a paused or disabled template holds the campaign", arguments: [132015, 132016])
    func heldCampaign(code: Int) {
        #expect(ErrorAction.classify(code: code) == .holdCampaign)
    }

    @Test(
        "auth, permission, payment and account problems halt the account",
        arguments: [0, 190, 10, 200, 250, 299, 131042, 131031, 368, 131064]
    )
    func halted(code: Int) {
        #expect(ErrorAction.classify(code: code) == .haltAccount)
        #expect(!ErrorAction.haltAccount.isRetryable)
    }

    @Test("codes just outside the permission range are not halts", arguments: [199, 300])
    func permissionRangeEdges(code: Int) {
        #expect(ErrorAction.classify(code: code) == .drop)
    }

    @Test("a failed status's error is classified like an API error")
    func webhookError() {
        #expect(WebhookError(code: 131049).action == .retryAfter(seconds: 86_400))
        #expect(WebhookError(code: 131050).action == .suppressContact)
    }

    @Test("131062, business-scoped user IDs not supported for this message, is dropped like 131026, even on a 5xx answer")
    func businessScopedRecipientUnsupported() {
        #expect(ErrorAction.classify(code: 131062) == ErrorAction.classify(code: 131026))
        #expect(ErrorAction.classify(code: 131062, httpStatus: 500) == .drop)
        #expect(WebhookError(code: 131062).action == .drop)
    }
}
