import Foundation
import SQLKit
import Storage
import WhatsApp

/// A status webhook item in the form Herald applies and keeps for later matching.
struct StatusItem: Codable, Sendable {
    var wamid: String
    var status: String
    var timestamp: Date
    var callbackData: String?
    var errorCode: Int?
    var errorDetail: String?
    var billable: Bool?
    var pricingType: String?
    var pricingCategory: String?

    init(_ s: StatusUpdate) {
        wamid = s.wamid
        status = s.status.lowercased()
        timestamp = s.timestamp
        callbackData = s.callbackData
        errorCode = s.errors.first?.code
        errorDetail = s.errors.first.map { [$0.title, $0.message, $0.details].compactMap { $0 }.joined(separator: ": ") }
        billable = s.pricing?.billable
        pricingType = s.pricing?.type
        pricingCategory = s.pricing?.category
    }

    /// How far along the message is: later statuses never give way to earlier ones.
    var rank: Int {
        switch status {
        case "sent": 2
        case "delivered": 3
        case "read", "played": 4
        default: 0
        }
    }
}

/// Applies status updates: idempotent (dedupe keys and COALESCE), order-tolerant (read implies
/// delivered implies sent) and monotonic (a late "delivered" never lowers "read"). A status whose
/// message is not known yet is kept and applied when the send is recorded.
struct StatusApplier {
    let accountID: UUID?
    let workspaceID: UUID
    let dialect: Dialect
    let sql: any SQLDatabase

    struct Target {
        let id: UUID
        let contactID: UUID
        let campaignID: UUID
        let variationID: UUID?
        let phone: String?
        let attempts: Int
    }

    func apply(_ statuses: [StatusUpdate]) async throws {
        if statuses.isEmpty { return }
        try await apply(items: statuses.map(StatusItem.init))
    }

    func apply(items: [StatusItem]) async throws {
        var byWamid: [String: Target] = [:]
        let wamids = Array(Set(items.map(\.wamid)))
        for chunk in stride(from: 0, to: wamids.count, by: 500) {
            let part = Array(wamids[chunk..<min(chunk + 500, wamids.count)])
            for row in try await sql.raw(
                "SELECT id, wamid, contact_id, campaign_id, variation_id, phone, attempts FROM messages WHERE workspace_id = \(bind: workspaceID) AND wamid IN (\(binds: part))"
            ).all() {
                byWamid[try row.decode(column: "wamid", as: String.self)] = try Self.target(row)
            }
        }
        let rates = try await RateStore.table(workspaceID: workspaceID, in: sql)
        for item in items {
            var target = byWamid[item.wamid]
            if target == nil, let messageID = PreparedCampaign.messageID(fromCallbackData: item.callbackData) {
                target = try await sql.raw(
                    "SELECT id, contact_id, campaign_id, variation_id, phone, attempts FROM messages WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: messageID)"
                ).first().map(Self.target)
                if let target {
                    // The send's response was lost (crash): the status proves Meta took it.
                    try await sql.raw("UPDATE messages SET wamid = \(bind: item.wamid) WHERE id = \(bind: target.id) AND wamid IS NULL").run()
                    byWamid[item.wamid] = target
                }
            }
            guard let target else {
                try await keepUnmatched(item)
                continue
            }
            if item.status == "failed" {
                try await applyFailure(item, to: target)
            } else if item.rank > 0 {
                try await applyProgress(item, to: target, rates: rates)
            }
        }
    }

    func applyProgress(_ item: StatusItem, to t: Target, rates: RateTable) async throws {
        let ts = item.timestamp
        let lower: [String] =
            switch item.rank {
            case 2: ["queued", "sending", "accepted"]
            case 3: ["queued", "sending", "accepted", "sent"]
            default: ["queued", "sending", "accepted", "sent", "delivered"]
            }
        let newStatus = item.rank >= 4 ? "read" : item.rank == 3 ? "delivered" : "sent"
        let charged = item.rank >= 3 && (item.billable ?? true) && (item.pricingType == nil || item.pricingType == "regular")
        let category = item.pricingCategory ?? "marketing"
        let cost: Double? = charged ? t.phone.map { rates.price(e164: $0, category: category) } : nil
        try await sql.raw(
            """
            UPDATE messages SET accepted_at = COALESCE(accepted_at, \(bind: ts)), sent_at = COALESCE(sent_at, \(bind: ts)),
                delivered_at = CASE WHEN \(bind: item.rank) >= 3 THEN COALESCE(delivered_at, \(bind: ts)) ELSE delivered_at END,
                read_at = CASE WHEN \(bind: item.rank) >= 4 THEN COALESCE(read_at, \(bind: ts)) ELSE read_at END,
                status = CASE WHEN status IN (\(binds: lower)) THEN \(bind: newStatus) ELSE status END,
                lease_owner = NULL, lease_expires_at = NULL,
                billable = COALESCE(\(bind: item.billable), billable), pricing_category = COALESCE(\(bind: item.pricingCategory), pricing_category),
                cost = CASE WHEN cost IS NULL THEN \(bind: cost) ELSE cost END, updated_at = \(bind: Date())
            WHERE id = \(bind: t.id)
            """
        ).run()
        let key = t.id.uuidString.lowercased()
        for (rank, type) in [(2, "sent"), (3, "delivered"), (4, "read")] where item.rank >= rank {
            try await EventWriter.insert(
                workspaceID: workspaceID, contactID: t.contactID, campaignID: t.campaignID, messageID: t.id, variationID: t.variationID,
                type: type, at: ts, dedupeKey: "\(type):\(key)", dialect: dialect, in: sql
            )
        }
    }

    func applyFailure(_ item: StatusItem, to t: Target) async throws {
        let code = item.errorCode
        let detail = "(#\(code.map(String.init) ?? "?")) \(item.errorDetail ?? "failed")"
        let action = code.map(ErrorAction.classify) ?? .drop
        let retryable: Bool
        switch action {
        case .retry, .pairRateLimited, .retryAfter: retryable = t.attempts < SendOutcome.maxAttempts
        default: retryable = false
        }
        if retryable {
            let delay: Double
            switch action {
            case .retryAfter(let seconds): delay = seconds
            case .pairRateLimited: delay = Backoff.pairRateDelay(attempt: t.attempts)
            default: delay = Backoff.delay(attempt: t.attempts, random: Double.random(in: 0..<1))
            }
            try await sql.raw(
                """
                UPDATE messages SET status = 'queued', wamid = NULL, accepted_at = NULL, next_attempt_at = \(bind: Date().addingTimeInterval(delay)),
                    error_code = \(bind: code), error_detail = \(bind: detail), updated_at = \(bind: Date())
                WHERE id = \(bind: t.id) AND status IN ('sending', 'accepted', 'sent')
                """
            ).run()
            return
        }
        let failed = try await sql.raw(
            """
            UPDATE messages SET status = 'failed', failed_at = COALESCE(failed_at, \(bind: item.timestamp)), error_code = \(bind: code),
                error_detail = \(bind: detail), lease_owner = NULL, lease_expires_at = NULL, updated_at = \(bind: Date())
            WHERE id = \(bind: t.id) AND status IN ('queued', 'sending', 'accepted', 'sent') RETURNING id
            """
        ).first()
        guard failed != nil else { return }
        try await EventWriter.insert(
            workspaceID: workspaceID, contactID: t.contactID, campaignID: t.campaignID, messageID: t.id, variationID: t.variationID,
            type: "failed", at: item.timestamp, dedupeKey: "failed:\(t.id.uuidString.lowercased())", dialect: dialect, in: sql
        )
        switch action {
        case .suppressContact:
            try await ConsentChange.optOut(contactID: t.contactID, source: .error131050, at: item.timestamp, in: sql)
        case .holdCampaign:
            try await sql.raw(
                "UPDATE campaigns SET status = 'paused', status_reason = \(bind: "held: " + detail), updated_at = \(bind: Date()) WHERE id = \(bind: t.campaignID) AND status = 'sending'"
            ).run()
            try await AlertStore.raise(
                workspaceID: workspaceID, level: "warning", kind: "campaign_held", message: "Campaign held: \(detail).", campaignID: t.campaignID, in: sql
            )
        case .haltAccount:
            if let accountID { try await SendOutcome.halt(accountID: accountID, workspaceID: workspaceID, detail: detail, in: sql) }
        default: break
        }
    }

    func keepUnmatched(_ item: StatusItem) async throws {
        let exists = try await sql.raw(
            "SELECT id FROM unmatched_statuses WHERE wamid = \(bind: item.wamid) AND status = \(bind: item.status)"
        ).first()
        if exists != nil { return }
        let json = String(decoding: try JSONEncoder().encode(item), as: UTF8.self)
        try await sql.raw(
            """
            INSERT INTO unmatched_statuses (id, account_id, wamid, status, item, received_at)
            VALUES (\(bind: UUID.timeOrdered()), \(bind: accountID), \(bind: item.wamid), \(bind: item.status), \(dialect.json(json)), \(bind: Date()))
            """
        ).run()
    }

    /// Applies statuses that arrived before their send was recorded, then forgets them.
    static func applyUnmatched(wamids: [String], dialect: Dialect, in sql: any SQLDatabase) async throws {
        let rows = try await sql.raw(
            """
            SELECT u.id, \(dialect.jsonText("item", of: "u")) AS item, m.workspace_id, u.account_id FROM unmatched_statuses u
            JOIN messages m ON m.wamid = u.wamid WHERE u.wamid IN (\(binds: wamids))
            """
        ).all()
        if rows.isEmpty { return }
        let decoder = JSONDecoder()
        for row in rows {
            let item = try decoder.decode(StatusItem.self, from: Data(try row.decode(column: "item", as: String.self).utf8))
            let applier = StatusApplier(
                accountID: try row.decode(column: "account_id", as: UUID?.self), workspaceID: try row.decode(column: "workspace_id", as: UUID.self),
                dialect: dialect, sql: sql
            )
            try await applier.apply(items: [item])
            try await sql.raw("DELETE FROM unmatched_statuses WHERE id = \(bind: try row.decode(column: "id", as: UUID.self))").run()
        }
    }

    static func target(_ row: any SQLRow) throws -> Target {
        Target(
            id: try row.decode(column: "id", as: UUID.self), contactID: try row.decode(column: "contact_id", as: UUID.self),
            campaignID: try row.decode(column: "campaign_id", as: UUID.self), variationID: try row.decode(column: "variation_id", as: UUID?.self),
            phone: try row.decode(column: "phone", as: String?.self), attempts: try row.decode(column: "attempts", as: Int.self)
        )
    }
}
