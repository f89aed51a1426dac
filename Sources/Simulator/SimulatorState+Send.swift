import Foundation

/// `POST /messages`: validation, throughput, and the outcome of every accepted message.
extension SimulatorState {
    /// Accepts or refuses one send, counting either way.
    func send(_ request: SendRequest) -> Result<SendResponse, GraphError> {
        do throws(GraphError) {
            return .success(try accept(request))
        } catch {
            reject(code: error.code, template: request.type == "template" ? request.template?.name : nil)
            return .failure(error)
        }
    }

    private func accept(_ request: SendRequest) throws(GraphError) -> SendResponse {
        guard request.messagingProduct == "whatsapp" else {
            throw .invalidParameter("The parameter messaging_product is required and must be \"whatsapp\".")
        }
        if let type = request.recipientType, type != "individual" {
            throw .invalidParameter("Param recipient_type must be \"individual\".")
        }
        var message = try address(of: request)
        message.callbackData = request.bizOpaqueCallbackData
        var templateBehaviour: TemplateBehaviour?
        switch request.type ?? "text" {
        case "template":
            guard let template = request.template, let name = template.name, !name.isEmpty,
                let language = template.language?.code, !language.isEmpty
            else { throw .invalidParameter("Params template.name and template.language.code are required.") }
            guard let record = self.template(TemplateKey(name: name, language: language)) else {
                throw GraphError(code: 132001, details: "template name (\(name)) does not exist in \(language)", status: .notFound)
            }
            switch record.template.status {
            case "APPROVED": break
            case "PAUSED": throw GraphError(code: 132015, details: "Template \(name) is paused.", status: .badRequest)
            case "DISABLED": throw GraphError(code: 132016, details: "Template \(name) is disabled.", status: .badRequest)
            default: throw GraphError(code: 132001, details: "template name (\(name)) does not exist in \(language)", status: .notFound)
            }
            let check = try TemplateMessageCheck(template, against: record.shape)
            message.templateName = name
            message.category = record.template.category.lowercased()
            message.clickURL = check.clickURL
            message.quickReply = check.quickReply
            templateBehaviour = record.template.behaviour
        case "text":
            guard let body = request.text?.body, !body.isEmpty, body.count <= 4096 else {
                throw .invalidParameter("Param text.body is required and must be at most 4096 characters long.")
            }
            let now = Date().timeIntervalSince1970
            guard let last = lastInbound[message.user.bsuid], now - last < 86_400 else {
                throw GraphError(
                    code: 131047,
                    details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
                    status: .badRequest
                )
            }
        default:
            throw .invalidParameter("Param type must be \"template\" or \"text\" in this simulator.")
        }
        guard limiter.admit(now: .now) else {
            throw GraphError(
                code: 130429,
                details: "Message failed to send because there were too many messages sent from this phone number in a short period of time.",
                status: .tooManyRequests
            )
        }
        message.wamid = ids.next(for: message.recipient)
        if !message.byRecipient { users.sentByPhone(message.recipient) }
        message.sharesPhone = users.sharesPhone(message.user)
        decideOutcome(of: message, behaviour: templateBehaviour ?? behaviour)
        truth.acceptedByAddress[message.byRecipient ? "recipient" : "to", default: 0] += 1
        let input = (message.byRecipient ? request.recipient : request.to) ?? message.recipient
        let contact =
            message.byRecipient
            ? SendResponse.Contact(input: input, userId: message.recipient) : SendResponse.Contact(input: input, waId: message.recipient)
        return SendResponse(contacts: [contact], messages: [.init(id: message.wamid)])
    }

    /// Who a send goes to: `to` (a phone) when given, else `recipient` (a BSUID); Meta's error 100 otherwise.
    private func address(of request: SendRequest) throws(GraphError) -> AcceptedMessage {
        if let to = request.to {
            guard let phone = Self.phoneDigits(to) else { throw .invalidParameter("Param to must be a phone number of 5 to 15 digits.") }
            return AcceptedMessage(wamid: "", recipient: phone, user: users.user(phone: phone))
        }
        guard let recipient = request.recipient else {
            throw .invalidParameter("Param to (a phone number) or recipient (a business-scoped user id) is required.")
        }
        guard SimulatedUsers.isBSUID(recipient) else {
            throw .invalidParameter(
                "Param recipient must be a business-scoped user id: a country code, a period and up to 128 letters or digits, "
                    + "e.g. US.13491208655302741918."
            )
        }
        return AcceptedMessage(wamid: "", recipient: recipient, user: users.user(bsuid: recipient), byRecipient: true)
    }

    /// Counts the message and schedules its webhooks; the RNG depends only on the seed, the
    /// recipient, the template and how many messages that recipient got before.
    private func decideOutcome(of message: AcceptedMessage, behaviour: TemplateBehaviour) {
        let ordinal = truth.messagesPerRecipient[message.recipient, default: 0]
        truth.messagesPerRecipient[message.recipient] = ordinal + 1
        var rng = SplitMix64(seed: config.seed, parts: [message.recipient, message.templateName ?? "#text", String(ordinal)])
        let plan = OutcomePlan(
            message: message,
            behaviour: behaviour,
            rng: &rng,
            timeScale: config.timeScale,
            now: Date().timeIntervalSince1970,
            businessPhone: config.displayPhoneNumber,
            ids: &ids
        )
        func count(_ truth: inout TemplateTruth) {
            truth.accepted += 1
            if let code = plan.failedCode {
                truth.failed += 1
                truth.failedByCode[String(code), default: 0] += 1
            } else {
                truth.sent += 1
            }
            if plan.delivered { truth.delivered += 1 }
            if plan.read { truth.read += 1 }
            if plan.clicked { truth.clicked += 1 }
            if plan.quickReply { truth.quickReplies += 1 }
            if plan.textReply { truth.textReplies += 1 }
            if plan.stop { truth.stops += 1 }
        }
        var overall = truth.counters
        count(&overall)
        truth.counters = overall
        if let name = message.templateName {
            count(&truth.perTemplate[name, default: TemplateTruth()])
        }
        if plan.quickReply || plan.textReply || plan.stop {
            lastInbound[message.user.bsuid] = Date().timeIntervalSince1970
        }
        for (delay, kind) in plan.events {
            schedule(kind, after: delay)
        }
    }

    /// Digits of a phone number given with or without `+`, or `nil` if it is not one.
    static func phoneDigits(_ input: String) -> String? {
        let digits = input.hasPrefix("+") ? String(input.dropFirst()) : input
        guard (5...15).contains(digits.utf8.count), digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return digits
    }
}

/// Graph's answer to an accepted send (encode with `.convertToSnakeCase`).
struct SendResponse: Encodable, Sendable {
    /// `wa_id` for a send by phone, `user_id` for a send by BSUID (clients such as pywa read whichever is there).
    struct Contact: Encodable, Sendable {
        var input: String
        var waId: String?
        var userId: String?
    }
    struct Message: Encodable, Sendable {
        var id: String
        var messageStatus = "accepted"
    }
    var messagingProduct = "whatsapp"
    var contacts: [Contact]
    var messages: [Message]
}
