import Foundation
import Logging
import SQLKit
import Storage
import WhatsApp

/// Applies one verified delivery's changes for one account inside the processor's transaction: those
/// about the account's phone number, and template events of its business account (see `WebhookRoute`).
struct DeliveryApplier {
    let accountID: UUID
    let dialect: Dialect
    let sql: any SQLDatabase
    let logger: Logger

    func apply(_ delivery: WebhookDelivery) async throws {
        guard let account = try await sql.raw("SELECT workspace_id, phone_number_id, waba_id FROM whatsapp_accounts WHERE id = \(bind: accountID)")
            .first()
        else { return }
        let workspace = try account.decode(column: "workspace_id", as: UUID.self)
        let phoneNumberID = try account.decode(column: "phone_number_id", as: String.self)
        let wabaID = try account.decode(column: "waba_id", as: String.self)
        for entry in delivery.entries {
            for change in entry.changes {
                if let address = WebhookAddress(change, entryID: entry.id),
                    !address.isOwned(byPhoneNumber: phoneNumberID, businessAccount: wabaID)
                {
                    continue
                }
                switch change {
                case .messages(let value):
                    try await StatusApplier(accountID: accountID, workspaceID: workspace, dialect: dialect, sql: sql).apply(value.statuses)
                    let inbound = InboundApplier(workspaceID: workspace, dialect: dialect, sql: sql)
                    for message in value.messages {
                        try await inbound.apply(message, contacts: value.contacts)
                    }
                case .templateStatus(let update):
                    try await applyTemplateStatus(update, workspaceID: workspace)
                case .templateQuality(let update):
                    guard let name = update.templateName else { continue }
                    _ = try await TemplateStore.applyStatus(
                        accountID: accountID, name: name, language: update.language, status: nil, quality: update.newQualityScore,
                        reason: nil, in: sql
                    )
                    try await AlertEventRules.templateQuality(
                        workspaceID: workspace, accountID: accountID, name: name, language: update.language, quality: update.newQualityScore,
                        dialect: dialect, in: sql
                    )
                case .userPreferences(let preferences):
                    let inbound = InboundApplier(workspaceID: workspace, dialect: dialect, sql: sql)
                    for preference in preferences { try await inbound.apply(preference) }
                case .userIDUpdates(let changes):
                    let identities = IdentityApplier(workspaceID: workspace, dialect: dialect, sql: sql)
                    for change in changes { try await identities.apply(IdentityApplier.change(from: change)) }
                case .unknown(let field):
                    logger.debug("webhook field ignored", metadata: ["field": .string(field)])
                }
            }
        }
    }

    /// Keeps the template's status current; a paused or disabled template holds the campaigns using it.
    func applyTemplateStatus(_ update: TemplateStatusUpdate, workspaceID: UUID) async throws {
        guard let name = update.templateName else { return }
        _ = try await TemplateStore.applyStatus(
            accountID: accountID, name: name, language: update.language, status: update.event, quality: nil, reason: update.reason,
            in: sql
        )
        try await AlertEventRules.templateStatus(
            workspaceID: workspaceID, accountID: accountID, name: name, language: update.language, status: update.event, reason: update.reason,
            dialect: dialect, in: sql
        )
        guard ["PAUSED", "DISABLED", "REJECTED", "FLAGGED"].contains(update.event.uppercased()) else { return }
        let held = try await CampaignStore.perform(
            .hold, on: .template(accountID: accountID, name: name), reason: "held: template \(name) is \(update.event)", in: sql
        )
        for campaignID in held.map(\.id) {
            try await AlertStore.raise(
                workspaceID: workspaceID, level: "warning", kind: "campaign_held",
                message: "Campaign held: Meta reports template \(name) as \(update.event)\(update.reason.map { " (\($0))" } ?? "").",
                campaignID: campaignID, in: sql
            )
        }
    }
}
