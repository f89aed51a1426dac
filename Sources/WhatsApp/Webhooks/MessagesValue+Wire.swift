// Conversions between `MessagesValue` and Meta's JSON shapes.

extension MessagesValue {
    init(_ wire: WebhookWire.MessagesValue) {
        let contacts = wire.contacts?.elements ?? []
        self.init(
            phoneNumberID: wire.metadata?.phoneNumberID,
            displayPhoneNumber: wire.metadata?.displayPhoneNumber,
            contacts: contacts.map(WebhookContact.init),
            statuses: (wire.statuses?.elements ?? []).map { StatusUpdate($0, contacts: contacts) },
            messages: (wire.messages?.elements ?? []).map(InboundMessage.init)
        )
    }
}

extension WebhookWire.MessagesValue {
    init(_ value: MessagesValue) {
        let hasMetadata = value.phoneNumberID != nil || value.displayPhoneNumber != nil
        self.init(
            metadata: hasMetadata ? .init(displayPhoneNumber: value.displayPhoneNumber, phoneNumberID: value.phoneNumberID) : nil,
            contacts: Self.contacts(of: value).map(LossyArray.init),
            statuses: value.statuses.isEmpty ? nil : LossyArray(value.statuses.map(WebhookWire.Status.init)),
            messages: value.messages.isEmpty ? nil : LossyArray(value.messages.map(WebhookWire.Message.init))
        )
    }
}

extension StatusUpdate {
    /// A status with what the change's `contacts` block says about its recipient.
    init(_ wire: WebhookWire.Status, contacts: [WebhookWire.Contact]) {
        let contact = wire.recipient(in: contacts)
        self.init(
            wamid: wire.id,
            status: wire.status,
            timestamp: (wire.timestamp ?? LenientString("0")).unixDate,
            recipientID: wire.recipientID,
            userID: wire.recipientUserID ?? wire.userID ?? contact?.userID,
            callbackData: wire.callbackData,
            pricing: wire.pricing.map {
                Pricing(billable: $0.billable, pricingModel: $0.pricingModel, type: $0.type, category: $0.category)
            },
            errors: (wire.errors?.elements ?? []).map {
                WebhookError(code: $0.code, title: $0.title, message: $0.message, details: $0.errorData?.details, href: $0.href)
            },
            conversationID: wire.conversation?.id,
            waID: contact?.waID,
            parentUserID: wire.recipientParentUserID ?? contact?.parentUserID,
            username: wire.username ?? contact?.profile?.username
        )
    }
}

extension WebhookWire.Status {
    init(_ status: StatusUpdate) {
        self.init(
            id: status.wamid,
            status: status.status,
            timestamp: LenientString.unixSeconds(status.timestamp),
            recipientID: status.recipientID,
            recipientUserID: status.userID,
            recipientParentUserID: status.parentUserID,
            callbackData: status.callbackData,
            conversation: status.conversationID.map { Conversation(id: $0) },
            pricing: status.pricing.map {
                Pricing(billable: $0.billable, pricingModel: $0.pricingModel, type: $0.type, category: $0.category)
            },
            errors: status.errors.isEmpty
                ? nil
                : LossyArray(
                    status.errors.map {
                        WebhookWire.ErrorItem(
                            code: $0.code, title: $0.title, message: $0.message, errorData: $0.details.map { .init(details: $0) }, href: $0.href
                        )
                    }
                )
        )
    }
}

extension InboundMessage {
    init(_ wire: WebhookWire.Message) {
        let reply = wire.interactive?.buttonReply ?? wire.interactive?.listReply
        self.init(
            wamid: wire.id,
            from: wire.from,
            userID: wire.fromUserID ?? wire.userID,
            parentUserID: wire.fromParentUserID,
            timestamp: (wire.timestamp ?? LenientString("0")).unixDate,
            type: wire.type ?? "unknown",
            text: wire.text?.body,
            buttonPayload: wire.button?.payload,
            buttonText: wire.button?.text,
            interactiveType: wire.interactive?.type,
            interactiveReplyID: reply?.id,
            interactiveReplyTitle: reply?.title,
            contextID: wire.context?.id,
            contextFrom: wire.context?.from,
            system: wire.system.map(SystemChange.init)
        )
    }
}

extension WebhookWire.Message {
    init(_ message: InboundMessage) {
        let hasReply = message.interactiveReplyID != nil || message.interactiveReplyTitle != nil
        let reply = hasReply ? Reply(id: message.interactiveReplyID, title: message.interactiveReplyTitle) : nil
        let interactiveType = message.interactiveType ?? (hasReply ? "button_reply" : nil)
        let hasButton = message.buttonPayload != nil || message.buttonText != nil
        let hasContext = message.contextID != nil || message.contextFrom != nil
        self.init(
            from: message.from,
            fromUserID: message.userID,
            fromParentUserID: message.parentUserID,
            id: message.wamid,
            timestamp: LenientString.unixSeconds(message.timestamp),
            type: message.type,
            text: message.text.map { Text(body: $0) },
            button: hasButton ? Button(payload: message.buttonPayload, text: message.buttonText) : nil,
            interactive: interactiveType.map {
                Interactive(type: $0, buttonReply: $0 == "list_reply" ? nil : reply, listReply: $0 == "list_reply" ? reply : nil)
            },
            context: hasContext ? Context(from: message.contextFrom, id: message.contextID) : nil,
            system: message.system.map(WebhookWire.System.init)
        )
    }
}
