import Foundation
import Storage

/// What a campaign's page shows: status, funnel, rates, the message, pre-flight while it is a draft, recent messages.
struct CampaignPageModel {
    let pages: WebPages
    let access: Access
    let campaign: Campaign

    func values() async throws -> [String: Any] {
        let services = pages.services.messaging
        let c = campaign
        let stats = try await pages.campaignAPI.detail(c).stats
        let currency = try await services.rates.table(workspaceID: c.workspaceID).currency
        let template = try await c.templateID.asyncMap { try await services.templates.find(workspaceID: c.workspaceID, id: $0) } ?? nil
        let account = try await c.accountID.asyncMap { try await services.accounts.find(workspaceID: c.workspaceID, id: $0) } ?? nil
        let zone = try await pages.services.workspaces.find(id: c.workspaceID)?.timeZone ?? "UTC"
        let segment =
            try await c.audience.segmentID.asyncMap { try await pages.services.segments.store.find(workspaceID: c.workspaceID, id: $0) } ?? nil
        let audienceLabel = c.audience.segmentID == nil ? "All opted-in contacts" : "Saved segment “\(segment?.name ?? "(deleted)")”"
        var values: [String: Any] = [
            "id": c.id.uuidString.lowercased(), "name": c.name, "status": c.status.rawValue, "reason": WebPages.present(c.statusReason),
            "template": c.templateName.map { "\($0) (\(c.templateLanguage ?? ""))" } ?? "—",
            "templateID": WebPages.present(c.templateID?.uuidString.lowercased()),
            "account": account?.name ?? "—", "accountHalted": account.map { $0.status != "active" } ?? false,
            "ctaURL": WebPages.present(c.ctaURL), "currency": currency, "audienceLabel": audienceLabel,
            "scheduledAt": WebPages.present(c.scheduledAt.map { WebPages.display($0, timeZone: zone) }),
            "startedAt": WebPages.present(c.startedAt.map { WebPages.display($0, timeZone: zone) }),
            "completedAt": WebPages.present(c.completedAt.map { WebPages.display($0, timeZone: zone) }),
            "createdAt": WebPages.display(c.createdAt, timeZone: zone),
            "canPause": c.status.allows(.pause), "canResume": c.status.allows(.resume),
            "canCancel": c.status.allows(.cancel), "canSendNow": c.status == .draft,
            "live": Self.isLive(c),
        ]
        values.merge(Self.numbers(stats, audience: c.audienceSize, currency: currency)) { $1 }
        if let budget = c.budget {
            let spent = try await services.campaigns.spent(budget, campaignID: c.id)
            let share = WebPages.percent(Int(spent), of: Int(budget.micros))
            values["budget"] = "\(budget.amount) \(budget.currency) · \(WebPages.cost(micros: spent, budget.currency)) spent (\(share))"
        }
        values["mapping"] = c.variables.keys.sorted().map { key -> [String: String] in
            let source = c.variables[key]!
            let from = source.text.map { "“\($0)”" } ?? source.field ?? "—"
            return ["label": WebPages.variableLabel(key), "source": from + (source.fallback.map { ", else “\($0)”" } ?? "")]
        }
        if let template {
            let item = try await c.mediaID.asyncMap { try await services.media.find(workspaceID: c.workspaceID, id: $0) } ?? nil
            let mediaURL = item.map { "/media/\($0.publicToken)/\($0.filename)" }
            let rendered = TemplatePreview.render(template.definition, variables: c.variables, recipient: TemplatePreview.sampleRecipient)
            values["preview"] = WebPages.bubble(rendered, mediaURL: mediaURL)
        }
        if c.isEditable {
            values["preflight"] = try await WebPages.preflightSection { try await CampaignController.preflight(c, services: services) }
        }
        let messages = try await pages.commands.recentMessages(c)
        values["messages"] = messages
        values["hasMessages"] = !messages.isEmpty
        return values
    }

    /// Numbers change while messages go out and for a while after, as delivery and read receipts arrive.
    static func isLive(_ c: Campaign) -> Bool {
        [.scheduled, .sending].contains(c.status)
            || (c.status == .completed && (c.completedAt ?? .distantPast) > Date().addingTimeInterval(-15 * 60))
    }

    /// The funnel audience → sent → delivered → read → clicked → replied, with each step's rate; the names match the API's stats for live updates.
    static func numbers(_ s: CampaignStats, audience size: Int?, currency: String) -> [String: Any] {
        let audience = size ?? s.messages
        let steps: [(key: String, label: String, value: Int, rate: String, base: String)] = [
            ("audience", "Audience", audience, "", ""),
            ("sent", "Sent", s.sent, WebPages.percent(s.sent, of: audience), "of audience"),
            ("delivered", "Delivered", s.delivered, WebPages.percent(s.delivered, of: s.sent), "of sent"),
            ("read", "Read", s.read, WebPages.percent(s.read, of: s.delivered), "of delivered"),
            ("clicked", "Clicked", s.clicked, WebPages.percent(s.clicked, of: s.delivered), "of delivered"),
            ("replied", "Replied", s.replied, WebPages.percent(s.replied, of: s.delivered), "of delivered"),
        ]
        return [
            "funnel": steps.map { ["key": $0.key, "label": $0.label, "value": $0.value, "rate": $0.rate, "base": $0.base] },
            "failed": s.failed, "failedRate": WebPages.percent(s.failed, of: audience), "waiting": s.waiting, "suppressed": s.suppressed,
            "clicks": s.clicks, "cost": WebPages.cost(micros: s.costMicros, currency),
        ]
    }
}

extension WebPages {
    /// Pre-flight numbers as the campaign form and a draft's page show them.
    /// The pre-flight section of a console page; a count that runs past the query time limit shows a note instead of
    /// failing the whole page, so the campaign can still be opened, edited or cancelled.
    static func preflightSection(_ compute: () async throws -> Preflight) async throws -> [String: Any] {
        do { return preflightValues(try await compute()) } catch let error as QueryTimeLimitExceeded {
            return ["timedOut": "Pre-flight took longer than the \(error.limit) allowed and was stopped; the numbers will show when the database is less busy."]
        }
    }

    static func preflightValues(_ p: Preflight) -> [String: Any] {
        [
            "audience": p.audience, "eligible": p.eligible, "optedIn": p.optedIn, "optedOut": p.optedOut, "noConsent": p.noConsent,
            "unreachable": p.unreachable, "cost": cost(micros: p.estimatedCost, p.currency), "tier": p.tier ?? "—",
            "tierLimit": p.tierLimit.map { "\($0) unique users / 24 h" } ?? "unlimited", "warnings": p.warnings, "hasWarnings": !p.warnings.isEmpty,
        ]
    }

    /// A time in the workspace's zone, as the marketer plans it.
    static func display(_ date: Date, timeZone: String) -> String {
        let zone = TimeZone(identifier: timeZone) ?? .gmt
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date) + " " + (zone.identifier == "GMT" ? "UTC" : zone.identifier)
    }
}
