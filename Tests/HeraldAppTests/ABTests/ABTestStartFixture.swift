import Experiments
import Foundation
import HummingbirdTesting
import SQLKit
import Storage
import Testing

@testable import HeraldApp

/// A workspace with an A/B test ready to start (design section 2): ``ABTestFixture``'s account and templates, plus
/// `eligible` opted-in German contacts, 3 opted-out ones, 3 opted-in +1 numbers (a MARKETING test cannot reach them)
/// and 2 with unknown consent. The test's audience is every opted-in contact.
struct ABTestStartFixture {
    let base: ABTestFixture
    let test: JSONValue
    var app: TestApp { base.app }
    var id: String { test["id"].string! }
    var testID: UUID { UUID(uuidString: id)! }
    var campaignID: UUID { UUID(uuidString: test["campaign_id"].string!)! }
    var variationIDs: [UUID] { test["variations"].array.map { UUID(uuidString: $0["id"].string!)! } }

    static func make(
        _ app: TestApp,
        eligible: Int = 60,
        templates: [String] = ["spring_sale", "spring_sale_bold", "spring_sale_soft"],
        shares: [Int]? = [50, 30, 20],
        testPercentage: Int = 40
    ) async throws -> ABTestStartFixture {
        let base = try await ABTestFixture.make(app)
        var rows: [String] = []
        // The base fixture has two opted-in contacts already (+49151123456 00 and 01).
        for index in 0..<(eligible - 2) { rows.append(contact("+4917612\(String(format: "%05d", index))", "opted_in")) }
        for index in 0..<3 { rows.append(contact("+4917699\(String(format: "%05d", index))", "opted_out")) }
        for index in 0..<3 { rows.append(contact("+1415555\(String(format: "%04d", index))", "opted_in")) }
        for index in 0..<2 { rows.append(contact("+4917688\(String(format: "%05d", index))", "unknown")) }
        let bulk = try await app.request(.post, "/api/contacts/bulk", json: #"{"contacts":[\#(rows.joined(separator: ","))]}"#)
        #expect(bulk.status == .ok, "\(bulk.text)")
        let variations = templates.enumerated().map { index, template in
            base.variation(String(UnicodeScalar(UInt8(65 + index))), template, share: shares?[index])
        }
        let body =
            #"{"name":"Spring start","account_id":"\#(base.messaging.account.id)","audience":{"type":"all"},"test_percentage":\#(testPercentage),"#
            + #""variations":[\#(variations.joined(separator: ","))]}"#
        let created = try await app.request(.post, "/api/ab-tests/create", json: body)
        #expect(created.status == .created, "\(created.text)")
        return ABTestStartFixture(base: base, test: created.json)
    }

    static func contact(_ phone: String, _ consent: String) -> String {
        #"{"phone":"\#(phone)","name":"P\#(phone.suffix(4))","consent":{"status":"\#(consent)","source":"test"}}"#
    }

    func start(key: String? = nil) async throws -> TestResponse {
        try await app.request(.post, "/api/ab-tests/\(id)/start", key: key)
    }

    /// One pass of the send loop's housekeeping: starts due campaigns (queueing `campaign.start`), completes finished ones.
    func housekeeping() async throws {
        try await SendWorker(services: app.services.messaging, jobs: app.services.jobs, logger: TestDatabase.logger).housekeeping()
    }

    /// Runs every queued `campaign.start` job, as the job worker in `herald serve` would.
    func runStartJobs() async throws {
        let worker = JobWorker(queue: app.services.jobs, handlers: [CampaignStartJob(services: app.services.messaging)], logger: TestDatabase.logger)
        while let job = try await app.services.jobs.claim(owner: worker.owner, kinds: [CampaignStartJob.kind]) {
            await worker.execute(job, handler: try #require(worker.handlers[job.kind]))
        }
    }

    /// Queues the campaign's start job again, as a retry after a crash would run it.
    func enqueueStartJob() async throws {
        try await app.database.transaction { sql in
            try await JobQueue.enqueue(
                sql,
                dialect: app.database.dialect,
                workspaceID: app.workspace.id,
                kind: CampaignStartJob.kind,
                payload: #"{"campaign_id":"\#(campaignID.uuidString.lowercased())"}"#
            )
        }
    }

    struct AssignmentRow: Equatable, Decodable {
        let contactId: UUID
        let bucket: Int64
        let inTest: Bool
        let variationId: UUID?
    }

    func assignments() async throws -> [AssignmentRow] {
        try await app.database.read { sql in
            try await sql.raw(
                """
                SELECT contact_id, bucket, in_test, variation_id FROM ab_test_assignments WHERE ab_test_id = \(bind: testID)
                ORDER BY bucket, contact_id
                """
            ).all(decoding: AssignmentRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    /// The test's messages: contact, variation and phase.
    func messages() async throws -> [UUID: (variation: UUID?, phase: String?, token: String?)] {
        let rows = try await app.database.read { sql in
            try await sql.raw("SELECT contact_id, variation_id, ab_phase, click_token FROM messages WHERE campaign_id = \(bind: campaignID)").all()
        }
        var result: [UUID: (UUID?, String?, String?)] = [:]
        for row in rows {
            result[try row.decode(column: "contact_id", as: UUID.self)] = (
                try row.decode(column: "variation_id", as: UUID?.self), try row.decode(column: "ab_phase", as: String?.self),
                try row.decode(column: "click_token", as: String?.self)
            )
        }
        return result
    }

    /// The opted-in contacts a MARKETING test can reach: not +1 numbers.
    func eligibleContacts() async throws -> [UUID] {
        try await app.database.read { sql in
            try await sql.raw(
                """
                SELECT id FROM contacts WHERE workspace_id = \(bind: app.workspace.id) AND consent_status = 'opted_in' AND phone NOT LIKE '+1%'
                """
            ).all().map { try $0.decode(column: "id", as: UUID.self) }
        }
    }

    /// What the assignment must be, recomputed from scratch: every eligible contact's bucket, sorted, cut into arms.
    func expectedAssignment(testPercentage: Int, shares: [Int]) async throws -> [AssignmentRow] {
        let ranked = try await eligibleContacts().map { (contact: $0, bucket: Assignment.bucket(testID: testID, contactID: $0)) }
            .sorted { $0.bucket != $1.bucket ? $0.bucket < $1.bucket : $0.contact.uuidString.lowercased() < $1.contact.uuidString.lowercased() }
        let sizes = Assignment.armSizes(audience: ranked.count, testPercentage: testPercentage, shares: shares)
        return ranked.enumerated().map { rank, row in
            let arm = sizes.arm(ofRank: rank)
            return AssignmentRow(contactId: row.contact, bucket: row.bucket, inTest: arm != nil, variationId: arm.map { variationIDs[$0] })
        }
    }

    /// The test row's freeze columns.
    func freezeState() async throws -> (frozen: Date?, audience: Int?, testAudience: Int?, queued: Date?, nextEvaluation: Date?) {
        let row = try await app.database.read { sql in
            try await sql.raw(
                "SELECT frozen_at, audience_size, test_audience_size, test_queued_at, next_evaluation_at FROM ab_tests WHERE id = \(bind: testID)"
            ).first()
        }
        guard let row else { return (nil, nil, nil, nil, nil) }
        return (
            try row.decode(column: "frozen_at", as: Date?.self), try row.decode(column: "audience_size", as: Int?.self),
            try row.decode(column: "test_audience_size", as: Int?.self), try row.decode(column: "test_queued_at", as: Date?.self),
            try row.decode(column: "next_evaluation_at", as: Date?.self)
        )
    }

    func campaign() async throws -> JSONValue {
        try await app.request(.get, "/api/campaigns/\(campaignID.uuidString.lowercased())").json
    }
}
