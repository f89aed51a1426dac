import Foundation
import WhatsApp

/// A contact as the sender needs it: enough to fill template variables and check consent.
struct Recipient: Sendable {
    let messageID: UUID
    let campaignID: UUID
    let contactID: UUID
    let variationID: UUID?
    /// Where the message goes, as the contact is known when the message is claimed.
    let address: ContactAddress
    let clickToken: String?
    let attempts: Int
    let consent: String
    let name: String?
    let email: String?
    let city: String?
    let country: String?
    let language: String?
    let attributes: [String: JSONValue]
    /// 'test' or 'winner' for a message of an A/B test, nil otherwise.
    var abPhase: String? = nil
}

/// Everything a campaign's messages share, loaded once when its first message is sent; for an A/B test, once per
/// variation, whose template, variables and header media replace the campaign's (design section 3).
struct PreparedCampaign: Sendable {
    let campaign: Campaign
    let template: StoredTemplate
    let header: HeaderMedia?
    /// The campaign's variables, or its variation's.
    let variables: [String: VariableSource]

    /// The string echoed back in every status webhook: ties the status to message, campaign and variation.
    static func callbackData(messageID: UUID, campaignID: UUID, variationID: UUID?) -> String {
        "hm1:\(messageID.uuidString.lowercased()):\(campaignID.uuidString.lowercased()):\(variationID?.uuidString.lowercased() ?? "-")"
    }

    static func messageID(fromCallbackData data: String?) -> UUID? {
        guard let data, data.hasPrefix("hm1:") else { return nil }
        let parts = data.split(separator: ":")
        guard parts.count >= 2 else { return nil }
        return UUID(uuidString: String(parts[1]))
    }

    /// Quick-reply payloads: a button whose label is an opt-out ("Stop promotions") carries STOP_PROMO,
    /// so a tap opts the contact out whatever the label's language; others carry their index.
    var quickReplies: [QuickReplyParameter] {
        template.definition.quickReplyButtons.map { button in
            QuickReplyParameter(index: button.index, payload: ConsentKeywords.defaults.intent(of: button.text) == .optOut ? "STOP_PROMO" : "QR_\(button.index)")
        }
    }

    func message(for recipient: Recipient, to address: MessageAddress) -> TemplateMessage {
        let definition = template.definition
        let body = definition.bodyVariables.map { key in
            TemplateParameter(
                name: definition.parameterFormat?.uppercased() == "NAMED" ? key : nil,
                text: Self.value(variables[key], recipient: recipient)
            )
        }
        let headerText = definition.headerVariables.map { key in
            TemplateParameter(
                name: definition.parameterFormat?.uppercased() == "NAMED" ? key : nil,
                text: Self.value(variables["header.\(key)"] ?? variables[key], recipient: recipient)
            )
        }
        var urlButton: URLButtonParameter?
        if let index = definition.urlButtonIndex, let token = recipient.clickToken {
            urlButton = URLButtonParameter(index: index, suffix: token)
        }
        return TemplateMessage(
            address: address, templateName: template.name, languageCode: template.language,
            header: header, headerText: headerText, body: body, urlButton: urlButton, quickReplies: quickReplies,
            callbackData: Self.callbackData(messageID: recipient.messageID, campaignID: recipient.campaignID, variationID: recipient.variationID)
        )
    }

    /// The text for one variable: the contact's field, or the fixed text, or the fallback; never empty,
    /// because Meta rejects empty parameters.
    static func value(_ source: VariableSource?, recipient: Recipient) -> String {
        guard let source else { return "-" }
        if let text = source.text, !text.isEmpty { return text }
        var value: String?
        switch source.field {
        case "name"?: value = recipient.name
        case "first_name"?: value = recipient.name.flatMap { $0.split(separator: " ").first.map(String.init) }
        case "email"?: value = recipient.email
        case "city"?: value = recipient.city
        case "country"?: value = recipient.country
        case "language"?: value = recipient.language
        case "phone"?: value = recipient.address.phone
        case let field? where field.hasPrefix("attributes."):
            switch recipient.attributes[String(field.dropFirst("attributes.".count))] {
            case .string(let text)?: value = text
            case .number(let number)?: value = number == number.rounded() ? String(Int64(number)) : String(number)
            case .bool(let flag)?: value = flag ? "yes" : "no"
            default: value = nil
            }
        default: value = nil
        }
        if let value, !value.trimmingCharacters(in: .whitespaces).isEmpty { return value }
        if let fallback = source.fallback, !fallback.isEmpty { return fallback }
        return "-"
    }
}
