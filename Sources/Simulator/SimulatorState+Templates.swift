/// Template storage: add, create through the Graph API, approve, list and change status.
extension SimulatorState {
    /// Adds or replaces a template (keeping its id when replacing).
    @discardableResult
    func addTemplate(_ template: SimulatedTemplate) -> Int {
        let key = TemplateKey(name: template.name, language: template.language)
        let id = templates[key]?.id ?? takeTemplateID()
        templates[key] = TemplateRecord(id: id, template: template, shape: TemplateShape(components: template.components))
        return id
    }

    /// A template created through the Graph API: PENDING, approved with a webhook after the delay.
    func createTemplate(_ template: SimulatedTemplate) throws(GraphError) -> Int {
        let key = TemplateKey(name: template.name, language: template.language)
        guard templates[key] == nil else {
            throw .invalidParameter("Content in this language already exists for template \(template.name).", subcode: 2_388_024)
        }
        var draft = template
        draft.status = "PENDING"
        let id = takeTemplateID()
        let delay = config.templateApprovalDelay * config.timeScale
        templates[key] = TemplateRecord(
            id: id,
            template: draft,
            shape: TemplateShape(components: template.components),
            approveAt: .now + .seconds(delay)
        )
        schedule(.templateStatus(statusUpdate(id: id, template: draft, event: "APPROVED")), after: delay)
        return id
    }

    /// The template as it stands now (a PENDING one whose approval time has come is APPROVED).
    func template(_ key: TemplateKey) -> TemplateRecord? {
        guard var record = templates[key] else { return nil }
        if let approveAt = record.approveAt, approveAt <= .now {
            record.approveAt = nil
            if record.template.status == "PENDING" { record.template.status = "APPROVED" }
            templates[key] = record
        }
        return record
    }

    /// Templates in creation order, after the template id `after`, filtered by name and status.
    /// A page after the cursor, whether more follow, and how many templates match the filters in all (Meta's `summary`).
    func listTemplates(after: Int?, limit: Int, name: String?, status: String?) -> (page: [TemplateRecord], hasMore: Bool, total: Int) {
        let matching = templates.keys.compactMap { template($0) }
            .filter { record in
                (name.map { record.template.name.contains($0) } ?? true) && (status.map { record.template.status == $0.uppercased() } ?? true)
            }
        let all = matching.filter { record in after.map { record.id > $0 } ?? true }.sorted { $0.id < $1.id }
        return (Array(all.prefix(limit)), all.count > limit, matching.count)
    }

    /// Sets a template's status (PAUSED, DISABLED, APPROVED, …) and sends the status-update webhook.
    func changeTemplateStatus(name: String, language: String, event: String, reason: String?) -> Bool {
        let key = TemplateKey(name: name, language: language)
        guard var record = template(key) else { return false }
        record.template.status = event.uppercased()
        record.approveAt = nil
        templates[key] = record
        schedule(.templateStatus(statusUpdate(id: record.id, template: record.template, event: event.uppercased(), reason: reason)), after: 0)
        return true
    }

    private func statusUpdate(id: Int, template: SimulatedTemplate, event: String, reason: String? = nil) -> WebhookPayload.TemplateStatusValue {
        .init(event: event, messageTemplateId: id, messageTemplateName: template.name, messageTemplateLanguage: template.language, reason: reason)
    }

    private func takeTemplateID() -> Int {
        defer { nextTemplateID += 1 }
        return nextTemplateID
    }
}
