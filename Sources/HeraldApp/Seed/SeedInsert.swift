import Foundation
import SQLKit
import Storage

/// One multi-row INSERT, serialised straight into SQL text and binds (no per-value fragments).
/// Every value is bound; the only literals are NULL and fixed constants such as 'seed'.
struct SeedInsert<Row: Sendable>: SQLExpression {
    let head: String
    let rows: ArraySlice<Row>
    let writeRow: @Sendable (Row, inout SQLSerializer) -> Void

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(head)
        var first = true
        for row in rows {
            serializer.write(first ? "(" : ",(")
            first = false
            writeRow(row, &serializer)
            serializer.write(")")
        }
    }
}

extension SQLSerializer {
    /// An id: PostgreSQL binds a uuid; SQLite stores the same upper-case text a bound `UUID` encodes to.
    mutating func seedID(_ id: UUID, _ kind: DatabaseKind) {
        if kind == .postgres { write(bind: id) } else { write(bind: id.seedUppercaseText) }
    }

    mutating func seedText(_ text: String?) {
        if let text { write(bind: text) } else { write("NULL") }
    }

    mutating func seedDate(_ date: Date?) {
        if let date { write(bind: date) } else { write("NULL") }
    }

    mutating func seedJSON(_ text: String, _ kind: DatabaseKind) {
        if kind == .postgres {
            write("CAST(")
            write(bind: text)
            write(" AS jsonb)")
        } else {
            write(bind: text)
        }
    }
}

/// Writes generated rows in few, large statements: multi-row VALUES under the bind limit on SQLite (and for
/// the catalog), `unnest` over array binds on PostgreSQL.
struct SeedWriter: Sendable {
    let kind: DatabaseKind
    let workspaceID: UUID
    let currency: String

    /// Binds per statement, under SQLite's 32,766 and PostgreSQL's 65,535.
    var maxBinds: Int { kind == .postgres ? 65_000 : 32_000 }

    /// Statements of one table kept in flight together, so the next one is encoded while the engine runs
    /// the current one. They are independent: every row they reference was written by an earlier table.
    /// (SQLiteNIO opens connections in serialised mode, so SQLite runs them one after the other; PostgresNIO
    /// queues them on the transaction's connection.)
    static let statementsInFlight = 2

    func insert<Row: Sendable>(
        _ sql: any SQLDatabase, _ rows: [Row], head: String, bindsPerRow: Int, _ writeRow: @escaping @Sendable (Row, inout SQLSerializer) -> Void
    ) async throws {
        let perStatement = max(1, maxBinds / bindsPerRow)
        try await Self.run(sql, chunks: stride(from: 0, to: rows.count, by: perStatement).map { start in
            SeedInsert(head: head, rows: rows[start..<min(start + perStatement, rows.count)], writeRow: writeRow)
        })
    }

    /// Runs statements with at most `statementsInFlight` outstanding.
    static func run(_ sql: any SQLDatabase, chunks: [any SQLExpression]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for chunk in chunks {
                if running == statementsInFlight {
                    try await group.next()
                    running -= 1
                }
                group.addTask { try await sql.execute(sql: chunk) { _ in } }
                running += 1
            }
            try await group.waitForAll()
        }
    }

    func write(_ batch: SeedBatch, _ sql: any SQLDatabase) async throws {
        if kind == .postgres {
            try await writePostgres(batch, sql)
            return
        }
        let kind = self.kind, workspaceID = self.workspaceID, currency = self.currency
        try await insert(
            sql, batch.contacts,
            head: """
                INSERT INTO contacts (id, workspace_id, phone, name, email, country, language, city, tags, attributes,
                consent_status, consent_source, consent_at, created_at, updated_at) VALUES
                """,
            bindsPerRow: 14
        ) { c, s in
            s.seedID(c.id, kind); s.write(",")
            s.seedID(workspaceID, kind); s.write(",")
            s.write(bind: c.phone); s.write(",")
            s.write(bind: c.name); s.write(",")
            s.seedText(c.email); s.write(",")
            s.write(bind: c.country); s.write(",")
            s.write(bind: c.language); s.write(",")
            s.write(bind: c.city); s.write(",")
            s.seedJSON(c.tagsJSON, kind)
            s.write(kind == .postgres ? ",CAST('{}' AS jsonb)," : ",'{}',")
            s.write(bind: c.consentStatus); s.write(",")
            s.seedText(c.consentSource); s.write(",")
            s.seedDate(c.consentAt); s.write(",")
            s.write(bind: c.createdAt); s.write(",")
            s.write(bind: c.updatedAt)
        }
        try await insert(
            sql, batch.orders,
            head: """
                INSERT INTO orders (id, workspace_id, external_id, contact_id, total_minor, currency, status, source,
                ordered_at, created_at, updated_at) VALUES
                """,
            bindsPerRow: 10
        ) { o, s in
            s.seedID(o.id, kind); s.write(",")
            s.seedID(workspaceID, kind); s.write(",")
            s.write(bind: o.externalID); s.write(",")
            s.seedID(o.contactID, kind); s.write(",")
            s.write(bind: o.totalMinor); s.write(",")
            s.write(bind: currency); s.write(",")
            s.write(bind: o.status); s.write(",'seed',")
            s.write(bind: o.orderedAt); s.write(",")
            s.write(bind: o.orderedAt); s.write(",")
            s.write(bind: o.updatedAt)
        }
        try await insert(
            sql, batch.lines,
            head: "INSERT INTO order_lines (id, workspace_id, order_id, product_id, quantity, unit_price_minor) VALUES ",
            bindsPerRow: 6
        ) { l, s in
            s.seedID(l.id, kind); s.write(",")
            s.seedID(workspaceID, kind); s.write(",")
            s.seedID(l.orderID, kind); s.write(",")
            s.seedID(l.productID, kind); s.write(",")
            s.write(bind: l.quantity); s.write(",")
            s.write(bind: l.unitPriceMinor)
        }
        try await insert(
            sql, batch.messages,
            head: """
                INSERT INTO messages (id, workspace_id, campaign_id, contact_id, phone, status, created_at, updated_at, cohort_at, country,
                sent_at, delivered_at, read_at, failed_at, clicked_at, replied_at, click_count, reply_count) VALUES
                """,
            bindsPerRow: 17
        ) { m, s in
            s.seedID(m.id, kind); s.write(",")
            s.seedID(workspaceID, kind); s.write(",")
            s.seedID(m.campaignID, kind); s.write(",")
            s.seedID(m.contactID, kind); s.write(",")
            s.write(bind: m.phone); s.write(",'imported',")
            s.write(bind: m.sentAt); s.write(",")
            s.write(bind: m.sentAt); s.write(",")
            s.write(bind: m.sentAt); s.write(",")
            s.write(bind: m.country); s.write(",")
            s.write(bind: m.sentAt); s.write(",")
            s.seedDate(m.deliveredAt); s.write(",")
            s.seedDate(m.readAt); s.write(",")
            s.seedDate(m.failedAt); s.write(",")
            s.seedDate(m.clickedAt); s.write(",")
            s.seedDate(m.repliedAt); s.write(",")
            s.write(bind: m.clickCount); s.write(",")
            s.write(bind: m.replyCount)
        }
        try await insert(
            sql, batch.events,
            head: "INSERT INTO message_events (id, workspace_id, contact_id, campaign_id, message_id, type, occurred_at, source, created_at) VALUES ",
            bindsPerRow: 8
        ) { e, s in
            s.seedID(e.id, kind); s.write(",")
            s.seedID(workspaceID, kind); s.write(",")
            s.seedID(e.contactID, kind); s.write(",")
            s.seedID(e.campaignID, kind); s.write(",")
            s.seedID(e.messageID, kind); s.write(",")
            s.write(bind: e.type); s.write(",")
            s.write(bind: e.occurredAt); s.write(",'seed',")
            s.write(bind: e.occurredAt)
        }
    }

    /// Rows per PostgreSQL statement: each column travels as one bound array.
    static let postgresRowsPerStatement = 20_000

    /// PostgreSQL: `INSERT … SELECT … FROM unnest(array binds)`, a handful of binds per statement whatever its size.
    /// Optional texts travel as "" (never generated as a real value) and become NULL again through NULLIF.
    func writePostgres(_ batch: SeedBatch, _ sql: any SQLDatabase) async throws {
        let ws = workspaceID, currency = self.currency
        let size = Self.postgresRowsPerStatement
        func slices<Row>(_ rows: [Row]) -> [ArraySlice<Row>] {
            stride(from: 0, to: rows.count, by: size).map { rows[$0..<min($0 + size, rows.count)] }
        }
        try await Self.run(sql, chunks: slices(batch.contacts).map { c -> any SQLExpression in
            let query: SQLQueryString = """
                INSERT INTO contacts (id, workspace_id, phone, name, email, country, language, city, tags, attributes,
                    consent_status, consent_source, consent_at, created_at, updated_at)
                SELECT t.id, \(bind: ws), t.phone, t.name, NULLIF(t.email, ''), t.country, t.language, t.city, CAST(t.tags AS jsonb),
                    CAST('{}' AS jsonb), t.status, NULLIF(t.source, ''), CASE WHEN t.has_at THEN t.at END, t.created, t.updated
                FROM unnest(\(bind: c.map(\.id)), \(bind: c.map(\.phone)), \(bind: c.map(\.name)), \(bind: c.map { $0.email ?? "" }),
                    \(bind: c.map(\.country)), \(bind: c.map(\.language)), \(bind: c.map(\.city)), \(bind: c.map(\.tagsJSON)),
                    \(bind: c.map(\.consentStatus)), \(bind: c.map { $0.consentSource ?? "" }), \(bind: c.map { $0.consentAt != nil }),
                    \(bind: c.map { $0.consentAt ?? $0.createdAt }), \(bind: c.map(\.createdAt)), \(bind: c.map(\.updatedAt)))
                    AS t(id, phone, name, email, country, language, city, tags, status, source, has_at, at, created, updated)
                """
            return query
        })
        try await Self.run(sql, chunks: slices(batch.orders).map { o -> any SQLExpression in
            let query: SQLQueryString = """
                INSERT INTO orders (id, workspace_id, external_id, contact_id, total_minor, currency, status, source, ordered_at, created_at, updated_at)
                SELECT t.id, \(bind: ws), t.external_id, t.contact_id, t.total, \(bind: currency), t.status, 'seed', t.ordered, t.ordered, t.updated
                FROM unnest(\(bind: o.map(\.id)), \(bind: o.map(\.externalID)), \(bind: o.map(\.contactID)), \(bind: o.map(\.totalMinor)),
                    \(bind: o.map(\.status)), \(bind: o.map(\.orderedAt)), \(bind: o.map(\.updatedAt)))
                    AS t(id, external_id, contact_id, total, status, ordered, updated)
                """
            return query
        })
        try await Self.run(sql, chunks: slices(batch.lines).map { l -> any SQLExpression in
            let query: SQLQueryString = """
                INSERT INTO order_lines (id, workspace_id, order_id, product_id, quantity, unit_price_minor)
                SELECT t.id, \(bind: ws), t.order_id, t.product_id, t.quantity, t.price
                FROM unnest(\(bind: l.map(\.id)), \(bind: l.map(\.orderID)), \(bind: l.map(\.productID)), \(bind: l.map(\.quantity)),
                    \(bind: l.map(\.unitPriceMinor))) AS t(id, order_id, product_id, quantity, price)
                """
            return query
        })
        // Milestones travel as epoch seconds with NaN for "none": an array bind of optional dates is not available.
        func seconds(_ date: Date?) -> Double { date?.timeIntervalSince1970 ?? .nan }
        try await Self.run(sql, chunks: slices(batch.messages).map { m -> any SQLExpression in
            func at(_ column: String) -> SQLQueryString {
                "CASE WHEN t.\(unsafeRaw: column) = 'NaN' THEN NULL ELSE to_timestamp(t.\(unsafeRaw: column)) END"
            }
            let query: SQLQueryString = """
                INSERT INTO messages (id, workspace_id, campaign_id, contact_id, phone, status, created_at, updated_at, cohort_at, country,
                    sent_at, delivered_at, read_at, failed_at, clicked_at, replied_at, click_count, reply_count)
                SELECT t.id, \(bind: ws), t.campaign_id, t.contact_id, t.phone, 'imported', t.sent, t.sent, t.sent, t.country, t.sent,
                    \(at("delivered")), \(at("read")), \(at("failed")), \(at("clicked")), \(at("replied")), t.clicks, t.replies
                FROM unnest(\(bind: m.map(\.id)), \(bind: m.map(\.campaignID)), \(bind: m.map(\.contactID)), \(bind: m.map(\.phone)),
                    \(bind: m.map(\.country)), \(bind: m.map(\.sentAt)), \(bind: m.map { seconds($0.deliveredAt) }), \(bind: m.map { seconds($0.readAt) }),
                    \(bind: m.map { seconds($0.failedAt) }), \(bind: m.map { seconds($0.clickedAt) }), \(bind: m.map { seconds($0.repliedAt) }),
                    \(bind: m.map(\.clickCount)), \(bind: m.map(\.replyCount)))
                    AS t(id, campaign_id, contact_id, phone, country, sent, delivered, read, failed, clicked, replied, clicks, replies)
                """
            return query
        })
        try await Self.run(sql, chunks: slices(batch.events).map { e -> any SQLExpression in
            let query: SQLQueryString = """
                INSERT INTO message_events (id, workspace_id, contact_id, campaign_id, message_id, type, occurred_at, source, created_at)
                SELECT t.id, \(bind: ws), t.contact_id, t.campaign_id, t.message_id, t.type, t.occurred, 'seed', t.occurred
                FROM unnest(\(bind: e.map(\.id)), \(bind: e.map(\.contactID)), \(bind: e.map(\.campaignID)), \(bind: e.map(\.messageID)),
                    \(bind: e.map(\.type)), \(bind: e.map(\.occurredAt))) AS t(id, contact_id, campaign_id, message_id, type, occurred)
                """
            return query
        })
    }

    func writeCatalog(_ plan: SeedPlan, _ sql: any SQLDatabase) async throws {
        let kind = self.kind, workspaceID = self.workspaceID
        let created = Date(timeIntervalSince1970: plan.anchor - SeedPlan.contactSpanDays * SeedPlan.day)
        try await insert(sql, plan.categories, head: "INSERT INTO categories (id, workspace_id, name, created_at) VALUES ", bindsPerRow: 4) { c, s in
            s.seedID(c.id, kind); s.write(",")
            s.seedID(workspaceID, kind); s.write(",")
            s.write(bind: c.name); s.write(",")
            s.write(bind: created)
        }
        try await insert(
            sql, plan.products,
            head: "INSERT INTO products (id, workspace_id, external_id, name, category_id, created_at, updated_at) VALUES ",
            bindsPerRow: 7
        ) { p, s in
            s.seedID(p.id, kind); s.write(",")
            s.seedID(workspaceID, kind); s.write(",")
            s.write(bind: p.externalID); s.write(",")
            s.write(bind: p.name); s.write(",")
            s.seedID(p.categoryID, kind); s.write(",")
            s.write(bind: created); s.write(",")
            s.write(bind: created)
        }
        try await insert(
            sql, plan.campaigns,
            head: """
                INSERT INTO campaigns (id, workspace_id, name, status, template_name, template_language, scheduled_at, started_at,
                completed_at, created_at, updated_at) VALUES
                """,
            bindsPerRow: 9
        ) { c, s in
            let sendAt = Date(timeIntervalSince1970: c.sendAt)
            s.seedID(c.id, kind); s.write(",")
            s.seedID(workspaceID, kind); s.write(",")
            s.write(bind: c.name); s.write(",'completed',")
            s.write(bind: c.templateName); s.write(",'en',")
            s.write(bind: sendAt); s.write(",")
            s.write(bind: sendAt); s.write(",")
            s.write(bind: c.completedAt); s.write(",")
            s.write(bind: c.createdAt); s.write(",")
            s.write(bind: c.completedAt)
        }
    }
}

extension UUID {
    /// The same text as `uuidString` ("E621E1F8-C36C-495A-93FC-0C247A3E6E5F"), without going through printf.
    var seedUppercaseText: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { buffer in
                let digits: (UInt8) -> UInt8 = { $0 < 10 ? 48 + $0 : 55 + $0 }
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        buffer[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    buffer[position] = digits(bytes[index] >> 4)
                    buffer[position + 1] = digits(bytes[index] & 0x0F)
                    position += 2
                }
                return position
            }
        }
    }
}
