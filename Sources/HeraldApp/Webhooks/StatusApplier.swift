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
    /// Who the recipient is, as the status names them (sent, delivered and read carry these; failed ones may not).
    var waID: String?
    var userID: String?
    var parentUserID: String?
    var username: String?

    init(_ s: StatusUpdate) {
        wamid = s.wamid
        status = s.status.lowercased()
        timestamp = s.timestamp
        callbackData = s.callbackData
        errorCode = s.errors.first?.code
        errorDetail = s.errors.first.map { error in
            var parts: [String] = []
            for part in [error.title, error.message, error.details].compactMap({ $0 }) where !part.isEmpty && !parts.contains(part) {
                parts.append(part)
            }
            return parts.joined(separator: ": ")
        }
        billable = s.pricing?.billable
        pricingType = s.pricing?.type
        pricingCategory = s.pricing?.category
        // Without a contacts block, recipient_id is the phone only when it is one (all digits).
        waID = s.waID ?? s.recipientID.flatMap { s.userID != nil && !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } ? $0 : nil }
        userID = s.userID
        parentUserID = s.parentUserID
        username = s.username
    }

    /// The recipient's identifiers, when the status names any.
    var user: WhatsAppUser? {
        let user = WhatsAppUser(waID: waID, userID: userID, parentUserID: parentUserID, username: username)
        return user.isEmpty && user.username == nil ? nil : user
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
        let bsuid: String?
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
            // By wamid alone (unique), the workspace checked here: given `workspace_id = ? AND wamid IN (...)` and no
            // statistics, SQLite chose the index that leads with the workspace and read every message of it for each
            // delivery, which made applying a third as fast on SQLite (docs/benchmarks.md, "Analytics (issue 12)").
            for row in try await sql.raw(
                "SELECT id, workspace_id, wamid, contact_id, campaign_id, variation_id, phone, bsuid, attempts FROM messages WHERE wamid IN (\(binds: part))"
            ).all() where try row.decode(column: "workspace_id", as: UUID.self) == workspaceID {
                byWamid[try row.decode(column: "wamid", as: String.self)] = try Self.target(row)
            }
        }
        let rates = try await RateStore.table(workspaceID: workspaceID, in: sql)
        var progress: [UUID: Progress] = [:]
        var learned: [UUID: (WhatsAppUser, Date)] = [:]
        for item in items {
            var target = byWamid[item.wamid]
            if target == nil, let messageID = PreparedCampaign.messageID(fromCallbackData: item.callbackData) {
                target = try await sql.raw(
                    "SELECT id, contact_id, campaign_id, variation_id, phone, bsuid, attempts FROM messages WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: messageID)"
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
                progress[target.id, default: Progress(target: target)].add(item)
                if let user = item.user, learned[target.contactID].map({ $0.1 <= item.timestamp }) ?? true {
                    learned[target.contactID] = (user, item.timestamp)
                }
            }
        }
        try await learn(learned)
        try await applyProgress(progress.values.sorted { $0.target.id.uuidString < $1.target.id.uuidString }, rates: rates)
    }

    /// Statuses of delivered messages show the recipient's BSUID beside the phone the message went to (or the
    /// phone, when Meta may share it, beside the BSUID): the contact learns what it lacks.
    func learn(_ users: [UUID: (WhatsAppUser, Date)]) async throws {
        let identities = ContactIdentityStore(workspaceID: workspaceID, dialect: dialect, sql: sql)
        let pending = IdentityApplier(workspaceID: workspaceID, dialect: dialect, sql: sql)
        for (contactID, (user, at)) in users.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            if try await identities.learn(user, contactID: contactID, at: at) { try await pending.applyPending(contactID: contactID) }
        }
    }

    /// Everything one delivery says about one message's progress, merged.
    struct Progress {
        let target: Target
        var rank = 0
        var sentAt: Date?
        var deliveredAt: Date?
        var readAt: Date?
        var billable: Bool?
        var category: String?
        var charged = false

        init(target: Target) { self.target = target }

        mutating func add(_ item: StatusItem) {
            rank = max(rank, item.rank)
            let ts = item.timestamp
            sentAt = min(sentAt ?? ts, ts)
            if item.rank >= 3 { deliveredAt = min(deliveredAt ?? ts, ts) }
            if item.rank >= 4 { readAt = min(readAt ?? ts, ts) }
            billable = item.billable ?? billable
            category = item.pricingCategory ?? category
            if item.rank >= 3 && (item.billable ?? true) && (item.pricingType == nil || item.pricingType == "regular") { charged = true }
        }
    }

    /// One statement per 200 messages: milestones COALESCEd, status only moved forward, cost set once;
    /// then one multi-row insert of the events, whose dedupe keys make repeats count once.
    func applyProgress(_ all: [Progress], rates: RateTable) async throws {
        guard !all.isEmpty else { return }
        let now = Date()
        // Take the row locks in id order (PostgreSQL), so concurrent processors and senders never deadlock, and learn
        // which messages have no cost yet: the rollups count a cost once, when it is first set.
        var uncosted: Set<UUID> = []
        for row in try await sql.raw(
            "SELECT id, cost_micros FROM messages WHERE id IN (\(binds: all.map(\.target.id))) ORDER BY id\(dialect.forUpdate)"
        ).all() where try row.decodeNil(column: "cost_micros") {
            uncosted.insert(try row.decode(column: "id", as: UUID.self))
        }
        var costs: [UUID: Int64] = [:]
        for start in stride(from: 0, to: all.count, by: 200) {
            var list: SQLQueryString = ""
            for (index, p) in all[start..<min(start + 200, all.count)].enumerated() {
                let cost: Int64? = p.charged
                    ? ContactAddress(phone: p.target.phone, bsuid: p.target.bsuid).pricingPrefix.map { rates.price(e164: $0, category: p.category ?? "marketing") }
                    : nil
                if let cost, uncosted.contains(p.target.id) { costs[p.target.id] = cost }
                if index > 0 { list.appendLiteral(", ") }
                let country = ContactAddress(phone: p.target.phone, bsuid: p.target.bsuid).country
                list.appendInterpolation(
                    "(\(bind: p.target.id), \(bind: p.rank), \(bind: p.sentAt), \(bind: p.deliveredAt), \(bind: p.readAt), \(bind: p.billable), \(bind: p.category), \(bind: cost), \(bind: country))"
                        as SQLQueryString
                )
            }
            try await sql.raw(
                """
                WITH v (id, rank, sent_ts, delivered_ts, read_ts, billable, category, cost, country) AS (VALUES \(list))
                UPDATE messages SET accepted_at = COALESCE(messages.accepted_at, v.sent_ts), sent_at = COALESCE(messages.sent_at, v.sent_ts),
                    country = CASE WHEN messages.cohort_at IS NULL THEN v.country ELSE messages.country END,
                    cohort_at = COALESCE(messages.cohort_at, v.sent_ts),
                    delivered_at = CASE WHEN v.rank >= 3 THEN COALESCE(messages.delivered_at, v.delivered_ts) ELSE messages.delivered_at END,
                    read_at = CASE WHEN v.rank >= 4 THEN COALESCE(messages.read_at, v.read_ts) ELSE messages.read_at END,
                    status = CASE
                        WHEN messages.status IN ('queued', 'sending', 'accepted', 'sent', 'delivered')
                         AND v.rank > (CASE messages.status WHEN 'delivered' THEN 3 WHEN 'sent' THEN 2 ELSE 1 END)
                        THEN (CASE WHEN v.rank >= 4 THEN 'read' WHEN v.rank = 3 THEN 'delivered' ELSE 'sent' END)
                        ELSE messages.status END,
                    lease_owner = NULL, lease_expires_at = NULL,
                    billable = COALESCE(v.billable, messages.billable), pricing_category = COALESCE(v.category, messages.pricing_category),
                    cost_micros = COALESCE(messages.cost_micros, v.cost),
                    cost_currency = CASE WHEN messages.cost_micros IS NULL AND v.cost IS NOT NULL THEN \(bind: rates.currency) ELSE messages.cost_currency END,
                    updated_at = \(bind: now)
                FROM v WHERE messages.id = v.id
                """
            ).run()
        }
        var events: [EventRecord] = []
        for p in all {
            let t = p.target
            for (type, at) in [("sent", p.sentAt), ("delivered", p.deliveredAt), ("read", p.readAt)] {
                guard let at else { continue }
                events.append(EventRecord(
                    workspaceID: workspaceID, contactID: t.contactID, campaignID: t.campaignID, messageID: t.id, variationID: t.variationID,
                    type: type, at: at, dedupeKey: "\(type):\(t.id.uuidString.lowercased())"
                ))
            }
        }
        var delta = try await EventWriter.record(events, dialect: dialect, in: sql)
        if !costs.isEmpty {
            let cells = try await MessageCells.load(Array(costs.keys), fallback: now, in: sql)
            for (id, cost) in costs {
                if let key = cells[id] { delta.addMoney(key, currency: rates.currency, MoneyCounts(costMicros: cost)) }
            }
        }
        try await PendingRollups.flush(delta, dialect: dialect, in: sql)
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
                accepted_at = COALESCE(accepted_at, \(bind: item.timestamp)),
                country = CASE WHEN cohort_at IS NULL THEN \(bind: ContactAddress(phone: t.phone, bsuid: t.bsuid).country) ELSE country END,
                cohort_at = COALESCE(cohort_at, \(bind: item.timestamp)),
                error_detail = \(bind: detail), lease_owner = NULL, lease_expires_at = NULL, updated_at = \(bind: Date())
            WHERE id = \(bind: t.id) AND status IN ('queued', 'sending', 'accepted', 'sent') RETURNING id
            """
        ).first()
        guard failed != nil else { return }
        try await EventWriter.recordAndFlush([EventRecord(
            workspaceID: workspaceID, contactID: t.contactID, campaignID: t.campaignID, messageID: t.id, variationID: t.variationID,
            type: "failed", at: item.timestamp, dedupeKey: "failed:\(t.id.uuidString.lowercased())", errorCode: code
        )], dialect: dialect, in: sql)
        switch action {
        case .suppressContact:
            try await ConsentChange.optOut(contactID: t.contactID, source: .error131050, at: item.timestamp, in: sql)
        case .holdCampaign:
            try await CampaignStore.perform(.hold, on: .one(workspaceID: workspaceID, id: t.campaignID), reason: "held: " + detail, in: sql)
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
            phone: try row.decode(column: "phone", as: String?.self), bsuid: try row.decode(column: "bsuid", as: String?.self), attempts: try row.decode(column: "attempts", as: Int.self)
        )
    }
}
