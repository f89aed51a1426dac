import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Storage
import Testing

@Suite("Cancelled transactions")
struct DatabaseCancellationTests {
    @Test("a transaction whose task is cancelled is rolled back, and the next transaction runs", arguments: Engine.available)
    func cancelledTransactionRollsBack(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            try await database.transaction { sql in try await sql.raw("CREATE TABLE cancel_probe (n INTEGER)").run() }
            let inserted = NIOLockedValueBox(false)
            // As a worker stopped at shutdown, or a request whose client went away, in the middle of its transaction.
            let task = Task {
                try await database.transaction { sql in
                    try await sql.raw("INSERT INTO cancel_probe (n) VALUES (1)").run()
                    inserted.withLockedValue { $0 = true }
                    try await Task.sleep(for: .seconds(30))
                }
            }
            var waited = 0
            while !inserted.withLockedValue({ $0 }), waited < 500 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            task.cancel()
            _ = await task.result
            let count = try await database.transaction { sql in
                try await sql.raw("INSERT INTO cancel_probe (n) VALUES (2)").run()
                return try await sql.raw("SELECT COUNT(*) AS n FROM cancel_probe").first()?.decode(column: "n", as: Int.self)
            }
            #expect(count == 1, "the cancelled insert was rolled back and the writer took the next transaction")
        }
    }
}
