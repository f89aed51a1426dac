import Contacts
import Foundation
import SQLKit
import Storage

/// Runs a CSV import job: reads the stored pieces in order and upserts contacts in batches.
struct ContactImportJob: JobHandler {
    let kind = ContactImport.kind
    let database: Database
    let contacts: ContactStore
    let batchSize = 1000

    func run(_ run: JobRun) async throws -> String? {
        let job = run.job
        let payload = try JSONDecoder().decode(ContactImport.Payload.self, from: Data(job.payload.utf8))
        let rules = try await contacts.rules(workspaceID: job.workspaceID)
        // A retried job starts over: upserts are idempotent, and the old error report is replaced.
        try await database.transaction { sql in try await sql.raw("DELETE FROM job_row_errors WHERE job_id = \(bind: job.id)").run() }

        var state = State(rules: rules)
        var parser = CSVParser()
        var consumed: Int64 = 0
        for seq in 0..<payload.chunks {
            let row = try await database.read { sql in
                try await sql.raw("SELECT data FROM job_files WHERE job_id = \(bind: job.id) AND seq = \(bind: seq)").first()
            }
            guard let bytes = try row?.decode(column: "data", as: Data.self) else {
                throw APIError(.unprocessableContent, "upload_missing", "part \(seq) of the uploaded file is missing")
            }
            consumed += Int64(bytes.count)
            var records = parser.feedResults(bytes)
            if seq == payload.chunks - 1 { records += parser.finishResults() }
            try await handle(records, state: &state, payload: payload, run: run)
            try await run.progress(done: consumed, total: payload.bytes, processed: state.result.rows, succeeded: state.result.created + state.result.updated, failed: state.result.failed)
        }
        if payload.chunks == 0 { throw APIError(.unprocessableContent, "empty_file", "the uploaded file is empty") }
        if state.columns == nil { throw APIError(.unprocessableContent, "empty_file", "the file has no header row") }
        try await flush(&state, run: run)
        try await database.transaction { sql in
            try await sql.raw("DELETE FROM job_files WHERE job_id = \(bind: job.id)").run()
            try await SegmentStore.requestRefresh(workspaceID: job.workspaceID, in: sql)
        }
        let data = try JSONEncoder().encode(state.result)
        return String(decoding: data, as: UTF8.self)
    }

    struct State {
        let rules: ContactRules
        var columns: [String?]?
        var batch: [ContactInput] = []
        /// The record number and text of each row in `batch`, for reporting a row the store refuses.
        var batchRows: [(row: Int, raw: String)] = []
        var identities: Set<String> = []
        var errors: [RowError] = []
        var result = ContactImport.Result()
        var recordNumber = 0
    }

    struct RowError {
        let row: Int
        let error: APIError
        let raw: String?
    }

    func handle(_ records: [Result<[String], CSVRecordError>], state: inout State, payload: ContactImport.Payload, run: JobRun) async throws {
        for result in records {
            state.recordNumber += 1
            let record: [String]
            switch result {
            case .success(let fields): record = fields
            case .failure(let refused):
                try await refuse(refused, state: &state, run: run)
                continue
            }
            guard let columns = state.columns else {
                let customFields = Set(state.rules.fields.keys)
                let header = record.map { $0.trimmingCharacters(in: .whitespaces) }
                let columns = try ContactImport.resolveColumns(header: header, mapping: payload.mapping, customFields: customFields)
                state.columns = columns
                state.result.ignoredColumns = zip(header, columns).filter { $0.1 == nil }.map(\.0)
                continue
            }
            state.result.rows += 1
            do {
                let input = try ContactInput.parse(
                    try FieldReader(ContactImport.object(record: record, columns: columns)), rules: state.rules, requireIdentity: true
                )
                // The same phone or BSUID twice in one batch: write the earlier row first, so the later one wins.
                let keys = ContactController.identityKeys(input).map(\.key)
                if keys.contains(where: state.identities.contains) { try await flush(&state, run: run) }
                state.identities.formUnion(keys)
                state.batch.append(input)
                state.batchRows.append((state.recordNumber, Self.raw(record)))
            } catch let error as APIError {
                state.result.failed += 1
                state.errors.append(RowError(row: state.recordNumber, error: error, raw: Self.raw(record)))
            }
            if state.batch.count >= batchSize || state.errors.count >= batchSize { try await flush(&state, run: run) }
        }
    }

    /// A record the parser refused for its size: one bad row, unless it swallowed the rest of the file or is the header.
    func refuse(_ refused: CSVRecordError, state: inout State, run: JobRun) async throws {
        let row = state.recordNumber
        guard state.columns != nil else {
            throw APIError(.unprocessableContent, refused.reason.rawValue, "row 1 (the header row): \(refused.message)")
        }
        state.result.rows += 1
        state.result.failed += 1
        state.errors.append(RowError(row: row, error: APIError(.unprocessableContent, refused.reason.rawValue, refused.message), raw: nil))
        if refused.runsToEndOfInput {
            try await flush(&state, run: run)
            throw APIError(.unprocessableContent, "unclosed_quote", "row \(row): \(refused.message); the rows before it were imported")
        }
    }

    static func raw(_ record: [String]) -> String {
        CSVWriter.row(record).trimmingCharacters(in: .newlines)
    }

    func flush(_ state: inout State, run: JobRun) async throws {
        guard !state.batch.isEmpty || !state.errors.isEmpty else { return }
        let (batch, batchRows, job) = (state.batch, state.batchRows, run.job)
        let earlierErrors = state.errors
        let outcomes = try await database.transaction { sql in
            let outcomes = try await contacts.upsert(sql, workspaceID: job.workspaceID, inputs: batch, channel: .import)
            var errors = earlierErrors
            for (row, outcome) in zip(batchRows, outcomes) {
                if case .refused(let error) = outcome { errors.append(RowError(row: row.row, error: error, raw: row.raw)) }
            }
            errors.sort { $0.row < $1.row }
            try await sql.insertRows("INSERT INTO job_row_errors (id, job_id, row_number, field, code, message, raw) VALUES ", errors) { e in
                let raw = e.raw.map { String($0.prefix(2000)) }
                return "(\(bind: UUID()), \(bind: job.id), \(bind: e.row), \(bind: e.error.field), \(bind: e.error.code), \(bind: e.error.message), \(bind: raw))"
            }
            return outcomes
        }
        for outcome in outcomes {
            switch outcome {
            case .created: state.result.created += 1
            case .updated: state.result.updated += 1
            case .refused: state.result.failed += 1
            }
        }
        state.batch.removeAll(keepingCapacity: true)
        state.batchRows.removeAll(keepingCapacity: true)
        state.identities.removeAll(keepingCapacity: true)
        state.errors.removeAll(keepingCapacity: true)
    }
}
