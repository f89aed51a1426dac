import SQLKit

extension SQLDatabase {
    /// Inserts rows with multi-row `INSERT … VALUES (…), (…)` statements of at most `perStatement`
    /// rows (then `tail`, e.g. an `ON CONFLICT` clause), which keeps every statement under both engines' bind limits.
    public func insertRows<Row>(
        _ head: SQLQueryString, _ rows: some Collection<Row>, perStatement: Int = 500, tail: SQLQueryString = "",
        values: (Row) -> SQLQueryString
    ) async throws {
        var query = head
        var count = 0
        for row in rows {
            if count > 0 { query.appendLiteral(",") }
            query.appendInterpolation(values(row))
            count += 1
            if count == perStatement {
                query.appendInterpolation(tail)
                try await raw(query).run()
                query = head
                count = 0
            }
        }
        if count > 0 {
            query.appendInterpolation(tail)
            try await raw(query).run()
        }
    }
}
