import Foundation
import SQLKit
import Storage

/// Campaign rows. Status changes go through ``perform(_:on:reason:at:in:)`` (CampaignStore+Transitions.swift).
public struct CampaignStore: Sendable {
    let database: Database

    static func selectList(_ d: Dialect) -> SQLQueryString {
        """
        id, workspace_id, name, status, account_id, template_id, template_name, template_language,
        \(d.jsonText("variables")) AS variables, media_id, cta_url, \(d.jsonText("audience")) AS audience, scheduled_at, started_at,
        completed_at, status_reason, audience_size, created_at, updated_at, budget_micros, budget_currency
        """
    }

    public func insert(_ c: Campaign) async throws {
        try await database.transaction { sql in try await insert(c, in: sql) }
    }

    /// Inserts within a caller's transaction (an A/B test stores its campaign, test and variations together).
    func insert(_ c: Campaign, in sql: any SQLDatabase) async throws {
        let d = database.dialect
        if try await sql.raw("SELECT id FROM campaigns WHERE workspace_id = \(bind: c.workspaceID) AND name = \(bind: c.name)").first() != nil {
            throw APIError(.conflict, "duplicate", "a campaign named \(c.name) already exists", field: "name")
        }
        try await sql.raw(
            """
            INSERT INTO campaigns (id, workspace_id, name, status, account_id, template_id, template_name, template_language, variables,
                media_id, cta_url, audience, segment_id, scheduled_at, created_at, updated_at, budget_micros, budget_currency)
            VALUES (\(bind: c.id), \(bind: c.workspaceID), \(bind: c.name), \(bind: c.status.rawValue), \(bind: c.accountID),
                \(bind: c.templateID),
                \(bind: c.templateName), \(bind: c.templateLanguage), \(d.json(Self.json(c.variables))), \(bind: c.mediaID), \(bind: c.ctaURL),
                \(d.json(Self.json(c.audience))), \(bind: c.audience.segmentID), \(bind: c.scheduledAt), \(bind: c.createdAt), \(bind: c.updatedAt),
                \(bind: c.budget?.micros), \(bind: c.budget?.currency))
            """
        ).run()
    }

    /// Saves an edited draft or scheduled campaign; refuses once sending has begun. Its status is left as it is:
    /// statuses change only by ``perform(_:on:reason:at:in:)``.
    public func update(_ c: Campaign) async throws {
        try await database.transaction { sql in try await update(c, in: sql) }
    }

    /// Sets or clears the budget alone, in any status (PATCH with only `budget`).
    public func setBudget(_ budget: CampaignBudget?, workspaceID: UUID, id: UUID) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE campaigns SET budget_micros = \(bind: budget?.micros), budget_currency = \(bind: budget?.currency), updated_at = \(bind: Date())
                WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)
                """
            ).run()
        }
    }

    func update(_ c: Campaign, in sql: any SQLDatabase) async throws {
        let d = database.dialect
        if try await sql.raw(
            "SELECT id FROM campaigns WHERE workspace_id = \(bind: c.workspaceID) AND name = \(bind: c.name) AND id <> \(bind: c.id)"
        ).first() != nil {
            throw APIError(.conflict, "duplicate", "a campaign named \(c.name) already exists", field: "name")
        }
        let row = try await sql.raw(
            """
            UPDATE campaigns SET name = \(bind: c.name), account_id = \(bind: c.accountID),
                template_id = \(bind: c.templateID), template_name = \(bind: c.templateName), template_language = \(bind: c.templateLanguage),
                variables = \(d.json(Self.json(c.variables))), media_id = \(bind: c.mediaID), cta_url = \(bind: c.ctaURL),
                audience = \(d.json(Self.json(c.audience))), segment_id = \(bind: c.audience.segmentID), scheduled_at = \(bind: c.scheduledAt),
                budget_micros = \(bind: c.budget?.micros), budget_currency = \(bind: c.budget?.currency), updated_at = \(bind: Date())
            WHERE id = \(bind: c.id) AND workspace_id = \(bind: c.workspaceID) AND status IN (\(binds: Self.editable))
            RETURNING id
            """
        ).first()
        if row == nil { throw APIError(.conflict, "not_editable", "only draft and scheduled campaigns can be changed") }
    }

    static let editable = CampaignStatus.allCases.filter(\.isEditable).map(\.rawValue)
    /// A campaign that has sent keeps its history.
    static let deletable: [CampaignStatus] = [.draft, .scheduled, .cancelled]

    public func find(workspaceID: UUID, id: UUID) async throws -> Campaign? {
        let d = database.dialect
        return try await database.read { sql in
            try await sql.raw("SELECT \(Self.selectList(d)) FROM campaigns WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)")
                .first().map(Self.decode)
        }
    }

    public func list(workspaceID: UUID, limit: Int = 200) async throws -> [Campaign] {
        let d = database.dialect
        return try await database.read { sql in
            try await sql.raw(
                "SELECT \(Self.selectList(d)) FROM campaigns WHERE workspace_id = \(bind: workspaceID) ORDER BY created_at DESC LIMIT \(bind: limit)"
            ).all().map(Self.decode)
        }
    }

    /// What the campaign has cost so far in its budget's currency, from the rollups: the figure the `spend_over_budget`
    /// rule compares with the budget (AlertCells.budgets). Cost in another currency is not converted.
    public func spent(_ budget: CampaignBudget, campaignID: UUID) async throws -> Int64 {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT CAST(COALESCE(SUM(cost_micros), 0) AS BIGINT) AS spent FROM analytics_money
                WHERE campaign_id = \(bind: campaignID) AND currency = \(bind: budget.currency)
                """
            ).first()?.decode(column: "spent", as: Int64?.self) ?? 0
        }
    }

    public func delete(workspaceID: UUID, id: UUID) async throws {
        try await database.transaction { sql in
            guard let row = try await sql.raw("SELECT status FROM campaigns WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first()
            else { throw APIError.notFound("the campaign") }
            let status = try Self.status(row)
            guard Self.deletable.contains(status) else {
                throw APIError(.conflict, "not_deletable", "a \(status) campaign keeps its history; only draft, scheduled and cancelled campaigns can be deleted")
            }
            try await sql.raw("DELETE FROM campaigns WHERE id = \(bind: id)").run()
        }
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    static func status(_ row: any SQLRow) throws -> CampaignStatus {
        let text = try row.decode(column: "status", as: String.self)
        guard let status = CampaignStatus(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown campaign status \(text)"))
        }
        return status
    }

    static func decode(_ row: any SQLRow) throws -> Campaign {
        let decoder = JSONDecoder()
        let variablesText = try row.decode(column: "variables", as: String?.self)
        let audienceText = try row.decode(column: "audience", as: String?.self)
        let budgetMicros = try row.decode(column: "budget_micros", as: Int64?.self)
        let budgetCurrency = try row.decode(column: "budget_currency", as: String?.self)
        return Campaign(
            id: try row.decode(column: "id", as: UUID.self),
            workspaceID: try row.decode(column: "workspace_id", as: UUID.self),
            name: try row.decode(column: "name", as: String.self),
            status: try status(row),
            accountID: try row.decode(column: "account_id", as: UUID?.self),
            templateID: try row.decode(column: "template_id", as: UUID?.self),
            templateName: try row.decode(column: "template_name", as: String?.self),
            templateLanguage: try row.decode(column: "template_language", as: String?.self),
            variables: variablesText.flatMap { try? decoder.decode([String: VariableSource].self, from: Data($0.utf8)) } ?? [:],
            mediaID: try row.decode(column: "media_id", as: UUID?.self),
            ctaURL: try row.decode(column: "cta_url", as: String?.self),
            audience: audienceText.flatMap { try? decoder.decode(Audience.self, from: Data($0.utf8)) } ?? .everyone,
            scheduledAt: try row.decode(column: "scheduled_at", as: Date?.self),
            startedAt: try row.decode(column: "started_at", as: Date?.self),
            completedAt: try row.decode(column: "completed_at", as: Date?.self),
            statusReason: try row.decode(column: "status_reason", as: String?.self),
            audienceSize: try row.decode(column: "audience_size", as: Int?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self),
            budget: budgetMicros.flatMap { micros in budgetCurrency.map { CampaignBudget(micros: micros, currency: $0) } }
        )
    }
}
