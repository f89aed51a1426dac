import Foundation

extension ABTestInput {
    /// Checks each variation against its template as a campaign is checked (variables, header media, link), and the
    /// test as a whole: every template approved, on one account and of one category (consent and the +1 rule differ by
    /// category, which would bias the arms), and with a tracked link when the metric is clicks. Returns the account
    /// and the variations with their templates' names and languages.
    static func check(
        _ variations: [ABTestVariation],
        accountID: UUID?,
        metric: SuccessMetric,
        workspaceID: UUID,
        services: MessagingServices
    ) async throws -> (accountID: UUID, variations: [ABTestVariation]) {
        var account = accountID
        var category: String?
        var checked: [ABTestVariation] = []
        for var variation in variations {
            let prefix = "variations[\(variation.position)]"
            guard let templateID = variation.templateID, let template = try await services.templates.find(workspaceID: workspaceID, id: templateID)
            else {
                throw APIError.invalid("\(prefix).template_id", "template_id is not a template of this workspace; sync the account's templates first")
            }
            guard template.status == "APPROVED" else {
                throw APIError.invalid(
                    "\(prefix).template_id",
                    "template \(template.name) is \(template.status); only approved templates can be tested",
                    code: "template_not_approved"
                )
            }
            if let account, account != template.accountID {
                throw APIError.invalid("\(prefix).template_id", "template \(template.name) belongs to another WhatsApp account than the test")
            }
            if let category, category != template.category {
                throw APIError.invalid(
                    "\(prefix).template_id",
                    "template \(template.name) is \(template.category) but the control is \(category): compare like with like"
                )
            }
            if metric == .click && template.definition.urlButtonIndex == nil {
                throw APIError.invalid("\(prefix).template_id", "the test counts clicks but template \(template.name) has no tracked link button")
            }
            account = template.accountID
            category = template.category
            variation.templateName = template.name
            variation.templateLanguage = template.language
            let asCampaign = Campaign(
                id: UUID(),
                workspaceID: workspaceID,
                name: variation.name,
                status: .draft,
                accountID: template.accountID,
                templateID: template.id,
                variables: variation.variables,
                mediaID: variation.mediaID,
                ctaURL: variation.ctaURL,
                audience: .everyone,
                createdAt: Date(),
                updatedAt: Date()
            )
            do {
                try await CampaignInput.check(asCampaign, services: services)
            } catch let error as APIError {
                throw APIError(error.status, error.code, error.message, field: error.field.map { "\(prefix).\($0)" })
            }
            checked.append(variation)
        }
        guard let account else { throw APIError.invalid("variations", "give 2 to \(maximumVariations) variations", code: "too_few_variations") }
        return (account, checked)
    }
}
