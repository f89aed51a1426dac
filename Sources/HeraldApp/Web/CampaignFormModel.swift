import Foundation
import WhatsApp

/// The New campaign form: approved templates by account, one mapping row per template variable, media, link,
/// audience (everyone or a saved segment), schedule, and a server-rendered preview and pre-flight that the page's
/// script keeps current.
struct CampaignFormModel {
    let pages: WebPages
    let access: Access
    let form: FormData
    let errors: [String: String]

    /// The variables a campaign maps: a TEXT header's (as `header.N`), then the body's.
    static func keys(_ t: TemplateDefinition) -> [String] { t.headerVariables.map { "header.\($0)" } + t.bodyVariables }
    static func hasMediaHeader(_ t: TemplateDefinition) -> Bool { ["IMAGE", "VIDEO", "DOCUMENT"].contains(t.headerFormat ?? "") }

    /// The form's mapping of each variable in the API's shape: `{"field": …}` or `{"text": …}`, plus `fallback`.
    static func variables(_ form: FormData, keys: [String]) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for key in keys {
            var item: [String: JSONValue] = [:]
            switch form.text("var.\(key).source") {
            case "text"?: if let text = form.text("var.\(key).text") { item["text"] = .string(text) }
            case let field?: item["field"] = .string(field)
            case nil: break
            }
            if let fallback = form.text("var.\(key).fallback") { item["fallback"] = .string(fallback) }
            result[key] = .object(item)
        }
        return result
    }

    func values() async throws -> [String: Any] {
        let messaging = pages.services.messaging
        let workspaceID = access.workspaceID
        let approved = try await messaging.templates.list(workspaceID: workspaceID).filter { $0.status == "APPROVED" }
        let accounts = try await messaging.accounts.list(workspaceID: workspaceID)
        let selected = approved.first { $0.id.uuidString.lowercased() == form["template_id"]?.lowercased() } ?? approved.first
        let fields = try await pages.contactFieldOptions(access)
        let media = try await messaging.media.list(workspaceID: workspaceID)
        let zone = try await pages.services.workspaces.find(id: workspaceID)?.timeZone ?? "UTC"
        let when = form["when"] ?? "draft"
        let segments = try await pages.services.segments.store.list(workspaceID: workspaceID)
        let segment = audienceSegment(segments)
        // Costs are recorded in the rate table's currency, so a budget in it is what the alert can compare.
        let costCurrency = try await messaging.rates.table(workspaceID: workspaceID).currency
        let wantsSegment = form["audience"] == "segment" && !segments.isEmpty
        var values: [String: Any] = [
            "name": form["name"] ?? "", "errors": errors, "timeZone": zone, "hasTemplates": !approved.isEmpty,
            "groups": accounts.compactMap { account -> [String: Any]? in
                let options = approved.filter { $0.accountID == account.id }.map { Self.option($0, selected: $0.id == selected?.id) }
                return options.isEmpty ? nil : ["label": account.name, "templates": options]
            },
            "whenDraft": when == "draft", "whenNow": when == "now", "whenAt": when == "at", "scheduledAt": form["scheduled_at"] ?? "",
            "ctaURL": form["cta_url"] ?? "", "fieldOptions": fields.map { ["value": $0.value, "label": $0.label] },
            "media": media.map { item -> [String: Any] in
                [
                    "id": item.id.uuidString.lowercased(), "label": "\(item.filename) (\(item.kind))", "kind": item.kind,
                    "selected": form["media_id"] == item.id.uuidString.lowercased(), "url": "/media/\(item.publicToken)/\(item.filename)",
                ]
            },
            "budgetAmount": form["budget_amount"] ?? "", "budgetCurrency": form["budget_currency"] ?? costCurrency, "costCurrency": costCurrency,
            "audienceAll": !wantsSegment, "audienceSegment": wantsSegment, "hasSegments": !segments.isEmpty,
            "segments": segments.map { s -> [String: Any] in
                [
                    "id": s.id.uuidString.lowercased(), "name": s.name, "kind": s.kind.rawValue, "count": WebPages.grouped(s.contactCount),
                    "contacts": WebPages.contacts(s.contactCount), "selected": s.id == segment?.id,
                ]
            },
        ]
        guard let selected else { return values }
        let definition = selected.definition
        values["rows"] = Self.keys(definition).map { key -> [String: Any] in
            let source = form["var.\(key).source"] ?? ""
            let options =
                [["value": "text", "label": "Fixed text", "selected": source == "text"] as [String: Any]]
                + fields.map { ["value": $0.value, "label": $0.label, "selected": source == $0.value] as [String: Any] }
            return [
                "key": key, "label": WebPages.variableLabel(key), "options": options, "text": form["var.\(key).text"] ?? "",
                "fallback": form["var.\(key).fallback"] ?? "", "error": WebPages.present(errors["var_\(key)"]),
            ]
        }
        values["showMedia"] = Self.hasMediaHeader(definition)
        values["mediaKind"] = definition.headerFormat?.lowercased() ?? ""
        values["showCTA"] = definition.urlButtonIndex != nil
        let chosen = media.first { $0.id.uuidString.lowercased() == form["media_id"]?.lowercased() }
        values["preview"] = WebPages.bubble(preview(definition), mediaURL: chosen.map { "/media/\($0.publicToken)/\($0.filename)" })
        values["preflight"] = try await WebPages.preflightSection {
            try await preflight(selected, account: accounts.first { $0.id == selected.accountID }, segment: segment)
        }
        return values
    }

    static func option(_ t: StoredTemplate, selected: Bool) -> [String: Any] {
        let d = t.definition
        return [
            "id": t.id.uuidString.lowercased(), "label": "\(t.name) (\(t.language), \(t.category.lowercased()))", "selected": selected,
            "vars": keys(d).joined(separator: " "), "media": hasMediaHeader(d) ? d.headerFormat!.lowercased() : "",
            "cta": d.urlButtonIndex != nil ? "1" : "",
        ]
    }

    /// The message for the sample recipient; a variable not mapped yet shows as its placeholder.
    func preview(_ definition: TemplateDefinition) -> TemplatePreview.Rendered {
        var sources: [String: VariableSource] = [:]
        for (key, value) in Self.variables(form, keys: Self.keys(definition)) {
            guard case .object(let item) = value else { continue }
            let text: String? = if case .string(let t)? = item["text"] { t } else { nil }
            let field: String? = if case .string(let f)? = item["field"] { f } else { nil }
            let fallback: String? = if case .string(let f)? = item["fallback"] { f } else { nil }
            let placeholder = "{{\(key.replacingOccurrences(of: "header.", with: ""))}}"
            sources[key] =
                text == nil && field == nil ? VariableSource(text: placeholder) : VariableSource(field: field, text: text, fallback: fallback)
        }
        return TemplatePreview.render(definition, variables: sources, recipient: TemplatePreview.sampleRecipient)
    }

    /// The saved segment the form targets: chosen as the audience and still in the workspace; nil means everyone.
    func audienceSegment(_ segments: [Segment]) -> Segment? {
        guard form["audience"] == "segment", let id = form.text("segment_id")?.lowercased() else { return nil }
        return segments.first { $0.id.uuidString.lowercased() == id }
    }

    /// Pre-flight for the chosen audience. A segment whose rules no longer compile counts everyone here; saving
    /// or sending the campaign reports the problem.
    func preflight(_ template: StoredTemplate, account: WhatsAppAccount?, segment: Segment?) async throws -> Preflight {
        let messaging = pages.services.messaging
        let rates = try await messaging.rates.table(workspaceID: access.workspaceID)
        let workspaceID = access.workspaceID
        let audience = try? await pages.services.segments.audiencePredicate(workspaceID: workspaceID, segmentID: segment?.id)
        return try await messaging.limitedReads.read { sql in
            try await Preflight.compute(
                workspaceID: workspaceID, category: template.category, rates: rates, account: account, audience: audience, in: sql
            )
        }
    }
}
