/// A message the simulator accepted, with what its outcome depends on.
struct AcceptedMessage: Sendable {
    var wamid: String
    /// The address the send used: the phone's digits for `to`, the BSUID for `recipient`.
    var recipient: String
    /// Who the message went to.
    var user: SimulatedUser
    /// Sent with `recipient` (a BSUID) rather than `to`.
    var byRecipient = false
    /// Whether Meta shows this user's phone to the business (decided when the message is accepted).
    var sharesPhone = true
    /// Template name, `nil` for a free-form text.
    var templateName: String?
    /// Lowercased template category, `nil` for a free-form text.
    var category: String?
    var callbackData: String?
    /// The URL button's link with the message's suffix filled in, if it can be clicked.
    var clickURL: String?
    /// What a quick-reply tap sends back: the message's payload, else the button's label.
    var quickReply: InboundMessage.Button?
}

/// Everything that will happen to one accepted message, decided at send time from its own RNG.
struct OutcomePlan: Sendable {
    var failedCode: Int?
    var delivered = false
    var read = false
    var clicked = false
    var quickReply = false
    var textReply = false
    var stop = false
    /// Seconds from now (already time-scaled) and what happens then.
    var events: [(delay: Double, kind: EventKind)] = []

    /// Draws every random number in a fixed order, whatever the branches, so changing one rate
    /// does not reshuffle the others.
    init(
        message: AcceptedMessage,
        behaviour b: TemplateBehaviour,
        rng: inout SplitMix64,
        timeScale: Double,
        now: Double,
        businessPhone: String,
        ids: inout MessageIDs
    ) {
        let draws = (
            fail: rng.unit(), deliver: rng.unit(), read: rng.unit(), click: rng.unit(), quick: rng.unit(), text: rng.unit(), stop: rng.unit()
        )
        let tSent = rng.exponential(mean: b.sentDelay) * timeScale
        let tDelivered = tSent + rng.exponential(mean: b.deliveredDelay) * timeScale
        let tRead = tDelivered + rng.exponential(mean: b.readDelay) * timeScale
        let tClick = tRead + rng.exponential(mean: b.clickDelay) * timeScale
        let tReply = tRead + rng.exponential(mean: b.replyDelay) * timeScale
        let tStop = tDelivered + rng.exponential(mean: b.replyDelay) * timeScale

        let isTemplate = message.templateName != nil
        let user = message.user
        let phone = message.sharesPhone ? user.phone : nil
        if message.category == "marketing", message.user.isNorthAmerican {
            failedCode = 131026  // Meta stopped delivering marketing templates to +1 numbers in 2025, by phone or BSUID
        } else {
            var cumulative = 0.0
            for (code, share) in b.failures.sorted(by: { $0.key < $1.key }) {
                cumulative += share
                if draws.fail < cumulative {
                    failedCode = code
                    break
                }
            }
        }
        func status(_ name: String, _ delay: Double, priced: Bool = false, error: Int? = nil) -> (Double, EventKind) {
            let pricing = StatusItem.Pricing(
                billable: isTemplate,
                type: isTemplate ? "regular" : "free_customer_service",
                category: message.category ?? "service"
            )
            let failed = error != nil
            // Meta: failed statuses have no contacts, and a recipient_user_id only when the send used a BSUID;
            // the username shows on delivered and read.
            let username = name == "delivered" || name == "read" ? user.username : nil
            let item = StatusItem(
                id: message.wamid,
                status: name,
                timestamp: String(Int(now + delay)),
                recipientId: phone,
                recipientUserId: failed && !message.byRecipient ? nil : user.bsuid,
                bizOpaqueCallbackData: message.callbackData,
                pricing: priced ? pricing : nil,
                errors: error.map { [StatusItem.StatusError(code: $0)] },
                contact: failed ? nil : WebhookPayload.Contact(profile: username.map { .init(username: $0) }, waId: phone, userId: user.bsuid)
            )
            return (delay, .status(item))
        }
        if let failedCode {
            events.append(status("failed", tSent, error: failedCode))
            return
        }
        events.append(status("sent", tSent, priced: true))
        delivered = draws.deliver < b.deliverRate
        guard delivered else { return }
        events.append(status("delivered", tDelivered, priced: true))
        read = draws.read < b.readRate
        if read { events.append(status("read", tRead)) }
        guard isTemplate else { return }

        func reply(_ delay: Double, text: String?, button: InboundMessage.Button?) -> (Double, EventKind) {
            let inbound = InboundMessage(
                context: .init(from: businessPhone, id: message.wamid),
                from: phone,
                fromUserId: user.bsuid,
                id: ids.next(for: message.recipient),
                timestamp: String(Int(now + delay)),
                type: button == nil ? "text" : "button",
                text: text.map { .init(body: $0) },
                button: button
            )
            let contact = WebhookPayload.Contact(profile: .init(name: user.name, username: user.username), waId: phone, userId: user.bsuid)
            return (delay, .inbound(inbound, contact: contact))
        }
        if read, let url = message.clickURL, draws.click < b.clickRate {
            clicked = true
            events.append((tClick, .click(url: url)))
        }
        if read, let button = message.quickReply, draws.quick < b.quickReplyRate {
            quickReply = true
            events.append(reply(tReply, text: nil, button: button))
        } else if read, draws.text < b.textReplyRate {
            textReply = true
            events.append(reply(tReply, text: "Thanks!", button: nil))
        }
        if draws.stop < b.stopRate {
            stop = true
            events.append(reply(tStop, text: "STOP", button: nil))
        }
    }
}
