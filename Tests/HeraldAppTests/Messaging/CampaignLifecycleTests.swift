import Foundation
import SQLKit
import Testing

@testable import HeraldApp

/// The campaign lifecycle: one transition table (docs/api.md, "Statuses and transitions") applied by one store function.
@Suite("Campaign lifecycle")
struct CampaignLifecycleTests {
    /// Where each action takes a campaign from each status it allows, written out from the docs; every other move is refused.
    static func expected(_ action: CampaignAction, from status: CampaignStatus, started: Bool) -> CampaignStatus? {
        switch (action, status) {
        case (.schedule, .draft), (.schedule, .scheduled): .scheduled
        case (.start, .scheduled): .sending
        case (.pause, .scheduled), (.pause, .sending), (.hold, .scheduled), (.hold, .sending): .paused
        case (.resume, .paused): started ? .sending : .scheduled
        case (.cancel, .draft), (.cancel, .scheduled), (.cancel, .sending), (.cancel, .paused): .cancelled
        case (.complete, .sending): .completed
        case (.fail, .scheduled), (.fail, .sending), (.fail, .paused): .failed
        default: nil
        }
    }

    func set(_ app: TestApp, _ id: UUID, _ status: CampaignStatus, started: Bool) async throws {
        try await app.database.transaction { sql in
            try await sql.raw(
                """
                UPDATE campaigns SET status = \(bind: status.rawValue), started_at = \(bind: started ? Date() : nil), status_reason = NULL
                WHERE id = \(bind: id)
                """
            ).run()
        }
    }

    func current(_ app: TestApp, _ id: UUID) async throws -> Campaign {
        try #require(try await app.services.messaging.campaigns.find(workspaceID: app.workspace.id, id: id))
    }

    @Test("every action moves a campaign only from the statuses the table allows, to the status it names", arguments: Engine.available)
    func table(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 1)
            let (workspaceID, id) = (app.workspace.id, f.campaign.id)
            for action in CampaignAction.allCases {
                for status in CampaignStatus.allCases {
                    for started in [false, true] {
                        try await set(app, id, status, started: started)
                        let reason = action == .hold ? "held: test" : nil
                        let moved = try await app.database.transaction { sql in
                            try await CampaignStore.perform(action, workspaceID: workspaceID, id: id, reason: reason, in: sql)
                        }
                        let want = Self.expected(action, from: status, started: started)
                        let after = try await current(app, id)
                        #expect(moved == (want != nil), "\(action) from \(status) (started: \(started))")
                        #expect(after.status == want ?? status, "\(action) from \(status) (started: \(started))")
                        #expect(status.allows(action) == (want != nil), "\(action) from \(status)")
                        if moved {
                            #expect(after.statusReason == reason)
                            #expect(
                                (after.completedAt != nil) == [.completed, .cancelled, .failed].contains(after.status), "\(action) from \(status)")
                            if action == .start { #expect(after.startedAt != nil) }
                        }
                    }
                }
            }
        }
    }

    @Test("the API performs allowed moves and refuses the others with a 409 invalid_transition", arguments: Engine.available)
    func api(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 1)
            let id = f.campaign.id
            let actions: [(CampaignAction, String)] = [(.schedule, "schedule"), (.pause, "pause"), (.resume, "resume"), (.cancel, "cancel")]
            for (action, path) in actions {
                for status in CampaignStatus.allCases {
                    try await set(app, id, status, started: false)
                    let body = action == .schedule ? #"{"scheduled_at":"2030-01-15T09:30"}"# : nil
                    let response = try await app.request(.post, "/api/campaigns/\(id)/\(path)", json: body)
                    if let want = Self.expected(action, from: status, started: false) {
                        #expect(response.status == .ok, "\(path) from \(status): \(response.text)")
                        #expect(response.json["status"].string == want.rawValue, "\(path) from \(status)")
                    } else {
                        expectError(response, .conflict, code: "invalid_transition")
                        #expect(response.json["error"]["message"].string == "a \(status.rawValue) campaign cannot be \(action.verb)")
                        #expect(try await current(app, id).status == status)
                    }
                }
            }
        }
    }

    @Test("of two servers moving the same campaign at once, exactly one performs the move", arguments: Engine.available)
    func concurrent(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 1)
            let (workspaceID, id) = (app.workspace.id, f.campaign.id)
            for action in [CampaignAction.pause, .cancel, .complete] {
                try await set(app, id, .sending, started: true)
                let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            try await app.database.transaction { sql in
                                try await CampaignStore.perform(action, workspaceID: workspaceID, id: id, in: sql)
                            }
                        }
                    }
                    return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(wins == 1, "\(action)")
            }
        }
    }
}
