import Foundation
import Hummingbird
import WhatsApp

/// Templates synced from Meta, a template's rendered preview, and the media library.
extension WebPages {
    @Sendable func templates(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        let accounts = try await services.messaging.accounts.list(workspaceID: access.workspaceID)
        let names = Dictionary(uniqueKeysWithValues: accounts.map { ($0.id, $0.name) })
        let rows = try await services.messaging.templates.list(workspaceID: access.workspaceID).map { t -> [String: Any] in
            [
                "id": t.id.uuidString.lowercased(), "name": t.name, "language": t.language, "category": t.category.lowercased(),
                "status": t.status, "statusClass": t.status.lowercased(), "quality": t.quality ?? t.definition.qualityScore ?? "—",
                "account": names[t.accountID] ?? "", "updated": Self.display(t.updatedAt),
            ]
        }
        let values: [String: Any] = ["templates": rows, "hasTemplates": !rows.isEmpty, "hasAccounts": !accounts.isEmpty, "tabTemplates": true]
        return console.render("templates", title: "Templates", path: "/templates", access: access, values: values)
    }

    @Sendable func template(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let template = try await services.messaging.templates.find(workspaceID: access.workspaceID, id: id)
        else { throw HTTPError(.notFound) }
        let query = FormData.query(request)
        let definition = template.definition
        let keys = definition.headerVariables.map { "header.\($0)" } + definition.bodyVariables
        var variables: [String: VariableSource] = [:]
        for key in keys {
            let field = query.text("v.\(key)")
            variables[key] =
                field.map { VariableSource(field: $0) } ?? VariableSource(text: "{{\(key.replacingOccurrences(of: "header.", with: ""))}}")
        }
        var recipient = TemplatePreview.sampleRecipient
        var contactID = ""
        if let text = query.text("contact_id"), let cid = UUID(uuidString: text),
            let contact = try? await services.contacts.get(workspaceID: access.workspaceID, id: cid)
        {
            recipient = TemplatePreview.recipient(contact)
            contactID = cid.uuidString.lowercased()
        }
        let rendered = TemplatePreview.render(definition, variables: variables, recipient: recipient)
        let fields = try await contactFieldOptions(access)
        let contacts = try await services.contacts.list(workspaceID: access.workspaceID, search: "", limit: 50, cursor: nil).data
        let account = try await services.messaging.accounts.find(workspaceID: access.workspaceID, id: template.accountID)
        let values: [String: Any] = [
            "id": template.id.uuidString.lowercased(), "name": template.name, "language": template.language, "category": template.category,
            "status": template.status, "statusClass": template.status.lowercased(), "quality": template.quality ?? definition.qualityScore ?? "—",
            "reason": Self.present(template.statusReason ?? definition.rejectedReason.flatMap { $0 == "NONE" ? nil : $0 }),
            "format": definition.parameterFormat ?? "POSITIONAL", "account": account?.name ?? "", "approved": template.status == "APPROVED",
            "preview": Self.bubble(rendered, mediaURL: nil),
            "variables": keys.map { key in
                [
                    "key": key, "label": Self.variableLabel(key),
                    "options": fields.map { ["value": $0.value, "label": $0.label, "selected": query["v.\(key)"] == $0.value] },
                ]
            },
            "hasVariables": !keys.isEmpty,
            "contacts": contacts.map {
                ["id": $0.id.uuidString.lowercased(), "label": $0.displayLabel, "selected": $0.id.uuidString.lowercased() == contactID]
            },
        ]
        return console.render("template", title: template.name, path: "/templates", access: access, values: values)
    }

    static func variableLabel(_ key: String) -> String {
        key.hasPrefix("header.") ? "Header {{\(key.dropFirst("header.".count))}}" : "{{\(key)}}"
    }

    /// The message as a WhatsApp bubble shows it.
    static func bubble(_ r: TemplatePreview.Rendered, mediaURL: String?) -> [String: Any] {
        let media = r.header_format.map { ["IMAGE", "VIDEO", "DOCUMENT"].contains($0) } ?? false
        return [
            "header": Self.present(media ? nil : r.header), "media": media ? r.header_format!.lowercased() : false,
            "image": Self.present(r.header_format == "IMAGE" ? mediaURL : nil), "body": r.body, "footer": Self.present(r.footer),
            "buttons": r.buttons, "hasButtons": !r.buttons.isEmpty,
        ]
    }

    /// Contact fields a variable can take its value from: the built-in ones, then the workspace's custom fields.
    func contactFieldOptions(_ access: Access) async throws -> [(value: String, label: String)] {
        let builtIn: [(String, String)] = [
            ("first_name", "First name"), ("name", "Full name"), ("email", "Email"), ("city", "City"), ("country", "Country"), ("phone", "Phone"),
            ("language", "Language"),
        ]
        let custom = try await services.fields.list(workspaceID: access.workspaceID).map { ("attributes.\($0.key)", "\($0.label) (custom field)") }
        return (builtIn + custom).map { (value: $0.0, label: $0.1) }
    }

    @Sendable func media(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        let items = try await services.messaging.media.list(workspaceID: access.workspaceID).map { item -> [String: Any] in
            [
                "filename": item.filename, "kind": item.kind, "mime": item.mimeType, "size": Self.size(item.sizeBytes),
                "url": "/media/\(item.publicToken)/\(item.filename)", "created": Self.display(item.createdAt),
            ]
        }
        let values: [String: Any] = ["items": items, "hasItems": !items.isEmpty, "tabMedia": true]
        return console.render("media", title: "Media library", path: "/templates", access: access, values: values)
    }

    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return String(format: "%.0f KB", Double(bytes) / 1024) }
        return String(format: "%.1f MB", Double(bytes) / 1024 / 1024)
    }
}
