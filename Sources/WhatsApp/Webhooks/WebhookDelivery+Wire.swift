// Conversions between the public webhook model and Meta's JSON shapes.

extension WebhookDelivery {
    init(_ wire: WebhookWire.Delivery) {
        self.init(
            object: wire.object,
            entries: (wire.entry ?? []).map { entry in
                WebhookEntry(id: entry.id?.value ?? "", changes: (entry.changes ?? []).map(WebhookChange.init))
            }
        )
    }
}

extension WebhookWire.Delivery {
    init(_ delivery: WebhookDelivery) {
        self.init(
            object: delivery.object,
            entry: delivery.entries.map { entry in
                WebhookWire.Entry(id: LenientString(entry.id), changes: entry.changes.map(WebhookWire.Change.init))
            }
        )
    }
}

extension WebhookChange {
    init(_ wire: WebhookWire.Change) {
        switch wire.value {
        case .messages(let value): self = .messages(MessagesValue(value))
        case .templateStatus(let value): self = .templateStatus(TemplateStatusUpdate(value))
        case .templateQuality(let value): self = .templateQuality(TemplateQualityUpdate(value))
        case .userPreferences(let value):
            let phoneNumberID = value.metadata?.phoneNumberID
            self = .userPreferences(value.preferences.map { UserPreference($0, phoneNumberID: phoneNumberID) })
        case .userIDUpdate(let value):
            let phoneNumberID = value.metadata?.phoneNumberID
            self = .userIDUpdates(value.updates.compactMap { UserIDChange($0, phoneNumberID: phoneNumberID) })
        case .unknown: self = .unknown(field: wire.field)
        }
    }
}

extension WebhookWire.Change {
    init(_ change: WebhookChange) {
        switch change {
        case .messages(let value):
            self.init(field: change.field, value: .messages(WebhookWire.MessagesValue(value)))
        case .templateStatus(let update):
            self.init(field: change.field, value: .templateStatus(WebhookWire.TemplateStatus(update)))
        case .templateQuality(let update):
            self.init(field: change.field, value: .templateQuality(WebhookWire.TemplateQuality(update)))
        case .userPreferences(let preferences):
            let value = WebhookWire.UserPreferencesValue(
                metadata: preferences.first?.phoneNumberID.map { .init(displayPhoneNumber: nil, phoneNumberID: $0) },
                contacts: nil,
                preferences: preferences.map(WebhookWire.Preference.init)
            )
            self.init(field: change.field, value: .userPreferences(value))
        case .userIDUpdates(let changes):
            let value = WebhookWire.UserIDUpdateValue(
                metadata: changes.first?.phoneNumberID.map { .init(displayPhoneNumber: nil, phoneNumberID: $0) },
                updates: changes.map(WebhookWire.UserIDUpdate.init)
            )
            self.init(field: change.field, value: .userIDUpdate(value))
        case .unknown(let field):
            self.init(field: field, value: .unknown)
        }
    }
}

extension TemplateStatusUpdate {
    init(_ wire: WebhookWire.TemplateStatus) {
        self.init(
            event: wire.event,
            templateID: wire.messageTemplateID?.value,
            templateName: wire.messageTemplateName,
            language: wire.messageTemplateLanguage,
            reason: wire.reason
        )
    }
}

extension WebhookWire.TemplateStatus {
    init(_ update: TemplateStatusUpdate) {
        self.init(
            event: update.event,
            messageTemplateID: update.templateID.map(NumericString.init),
            messageTemplateName: update.templateName,
            messageTemplateLanguage: update.language,
            reason: update.reason
        )
    }
}

extension TemplateQualityUpdate {
    init(_ wire: WebhookWire.TemplateQuality) {
        self.init(
            previousQualityScore: wire.previousQualityScore,
            newQualityScore: wire.newQualityScore,
            templateID: wire.messageTemplateID?.value,
            templateName: wire.messageTemplateName,
            language: wire.messageTemplateLanguage
        )
    }
}

extension WebhookWire.TemplateQuality {
    init(_ update: TemplateQualityUpdate) {
        self.init(
            previousQualityScore: update.previousQualityScore,
            newQualityScore: update.newQualityScore,
            messageTemplateID: update.templateID.map(NumericString.init),
            messageTemplateName: update.templateName,
            messageTemplateLanguage: update.language
        )
    }
}

extension UserPreference {
    init(_ wire: WebhookWire.Preference, phoneNumberID: String?) {
        self.init(
            waID: wire.waID,
            userID: wire.userID,
            detail: wire.detail,
            category: wire.category ?? "marketing_messages",
            value: wire.value,
            timestamp: LenientString(wire.timestamp?.value ?? "0").unixDate,
            phoneNumberID: phoneNumberID
        )
    }
}

extension WebhookWire.Preference {
    init(_ preference: UserPreference) {
        self.init(
            waID: preference.waID,
            userID: preference.userID,
            detail: preference.detail,
            category: preference.category,
            value: preference.value,
            timestamp: NumericString(LenientString.unixSeconds(preference.timestamp).value)
        )
    }
}
