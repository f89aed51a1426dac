import Foundation

/// Checks a template message's parameters against the template, as Meta does, and works out
/// what a click or a quick-reply tap on it would carry.
struct TemplateMessageCheck {
    var clickURL: String?
    var quickReply: InboundMessage.Button?

    init(_ message: SendRequest.Template, against shape: TemplateShape) throws(GraphError) {
        let components = message.components ?? []
        func parameters(_ type: String) -> [SendRequest.Parameter] {
            components.filter { $0.type?.lowercased() == type }.flatMap { $0.parameters ?? [] }
        }
        func mismatch(_ details: String) -> GraphError {
            GraphError(code: 132000, details: details, status: .badRequest)
        }

        let header = parameters("header")
        if let media = shape.headerMediaType {
            guard header.count == 1 else { throw mismatch("header: expected 1 \(media) parameter, received \(header.count)") }
            guard header[0].type == media, let object = header[0].media, object.link?.isEmpty == false || object.id?.isEmpty == false else {
                throw GraphError(code: 132012, details: "header: expected a \(media) parameter with a link or an id", status: .badRequest)
            }
        } else if header.count != shape.headerVariables.count {
            throw mismatch("header: expected \(shape.headerVariables.count) parameters, received \(header.count)")
        }

        let body = parameters("body")
        guard body.count == shape.bodyVariables.count else {
            throw mismatch("body: expected \(shape.bodyVariables.count) parameters, received \(body.count)")
        }
        let named = shape.bodyVariables.contains { !$0.allSatisfy(\.isNumber) }
        if named {
            let given = Set(body.compactMap(\.parameterName))
            guard given == Set(shape.bodyVariables) else {
                throw mismatch("body: expected named parameters \(shape.bodyVariables.sorted()), received \(given.sorted())")
            }
        }

        let buttons = components.filter { $0.type?.lowercased() == "button" }
        for button in buttons where button.subType?.lowercased() == "url" {
            let index = button.index?.value ?? -1
            guard shape.urlButtons.contains(where: { $0.index == index && $0.hasVariable }) else {
                throw mismatch("button \(index): the template has no URL button with a variable at this index")
            }
        }
        for urlButton in shape.urlButtons where urlButton.hasVariable {
            let given = buttons.first { $0.subType?.lowercased() == "url" && $0.index?.value == urlButton.index }
            guard let suffix = given?.parameters?.first?.text, given?.parameters?.count == 1 else {
                throw mismatch("button \(urlButton.index): expected 1 URL suffix parameter")
            }
            if clickURL == nil, let variable = TemplateShape.variables(in: urlButton.url).first {
                clickURL = urlButton.url.replacingOccurrences(of: "{{\(variable)}}", with: suffix)
            }
        }

        let tapped = buttons.filter { $0.subType?.lowercased() == "quick_reply" }
            .sorted { ($0.index?.value ?? 0) < ($1.index?.value ?? 0) }
            .first { $0.parameters?.first?.payload != nil }
        if let tapped, let payload = tapped.parameters?.first?.payload {
            let label = shape.quickReplies.first { $0.index == tapped.index?.value }?.text ?? payload
            quickReply = .init(payload: payload, text: label)
        } else if let first = shape.quickReplies.first {
            quickReply = .init(payload: first.text, text: first.text)  // without a payload Meta echoes the label
        }
    }
}
