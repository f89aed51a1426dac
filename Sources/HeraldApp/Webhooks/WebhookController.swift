import Foundation
import HTTPTypes
import Hummingbird
import Storage
import WhatsApp

/// `/webhooks/whatsapp`: Meta's subscription check (GET) and signed deliveries (POST). A delivery is
/// stored as it came, once for each account it has changes for, and acknowledged at once; the
/// processor applies each account's changes afterwards.
struct WebhookController {
    let database: Database
    let secrets: WebhookSecrets
    static let maxBody = 8 * 1024 * 1024

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("webhooks/whatsapp", use: verify)
        router.post("webhooks/whatsapp", use: receive)
    }

    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard query["hub.mode"].map(String.init) == "subscribe", let token = query["hub.verify_token"].map(String.init),
            let challenge = query["hub.challenge"].map(String.init)
        else { throw APIError(.badRequest, "invalid_verification", "expected hub.mode=subscribe, hub.verify_token and hub.challenge") }
        // "Verify and save" in Meta's dashboard often comes right after the account was added here.
        let known = try await secrets.currentIncludingNewAccounts()
        guard known.contains(where: { Self.equal($0.verifyToken, token) }) else {
            throw APIError(.forbidden, "verify_token_mismatch", "the verify token matches no WhatsApp account")
        }
        return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: challenge)))
    }

    @Sendable func receive(_ request: Request, context: AppRequestContext) async throws -> Response {
        let buffer = try await request.body.collect(upTo: Self.maxBody)
        let body = Array(buffer.readableBytesView)
        let header = request.headers[HTTPField.Name("X-Hub-Signature-256")!]
        guard header != nil else { throw APIError(.unauthorized, "missing_signature", "X-Hub-Signature-256 is required") }
        func signers(_ known: [WebhookSecrets.Entry]) -> [WebhookSecrets.Entry] {
            known.filter { WebhookSignature.isValid(body: body, header: header, appSecret: $0.appSecret) }
        }
        var signedBy = signers(try await secrets.current())
        if signedBy.isEmpty { signedBy = signers(try await secrets.current(forceReload: true)) }
        guard !signedBy.isEmpty else {
            context.logger.warning("webhook rejected: bad signature")
            throw APIError(.unauthorized, "bad_signature", "X-Hub-Signature-256 does not match the body for any account")
        }
        guard let delivery = try? WebhookDelivery.decode(body) else {
            context.logger.warning("webhook ignored: the body is not a WhatsApp webhook delivery")
            return Response(status: .ok)
        }
        var route = WebhookRoute(delivery, signedBy: signedBy)
        if !route.unowned.isEmpty {
            // An account added since the secrets were cached (perhaps by another server): reload when the set of
            // accounts changed; the reload is shared, and otherwise rate-limited.
            let known = try await secrets.currentIncludingNewAccounts()
            route = WebhookRoute(delivery, signedBy: signers(known))
            for address in route.unowned {
                let ours = known.contains { address.isOwned(byPhoneNumber: $0.phoneNumberID, businessAccount: $0.wabaID) }
                let why = ours ? "the number's account has another app secret" : "not a number Herald owns"
                context.logger.notice("webhook changes ignored", metadata: ["address": "\(address)", "reason": .string(why)])
            }
        }
        try await WebhookDeliveryStore(database: database).receive(body: body, accountIDs: route.accountIDs)
        return Response(status: .ok)
    }

    /// Compares secrets in time independent of where they differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
