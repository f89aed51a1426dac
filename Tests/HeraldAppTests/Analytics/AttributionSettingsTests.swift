import Foundation
import SQLKit
import Testing

@testable import HeraldApp

@Suite("Attribution settings API")
struct AttributionSettingsTests {
    func rebuildRequested(_ app: TestApp) async throws -> Date? {
        try await app.database.read { sql in
            try await sql.raw("SELECT rebuild_requested_at FROM analytics_state WHERE workspace_id = \(bind: app.workspace.id)").first()?
                .decode(column: "rebuild_requested_at", as: Date?.self)
        }
    }

    @Test("the defaults are last touch, 7-day clicks and 1-day reads; a change is saved and asks for a rebuild", arguments: Engine.available)
    func change(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let shown = try await app.request(.get, "/api/settings/attribution")
            #expect(shown.status == .ok, "\(shown.text)")
            #expect(shown.json["model"].string == "last_touch")
            #expect(shown.json["click_window_hours"].number == 168)
            #expect(shown.json["read_window_hours"].number == 24)
            try await app.database.transaction { sql in
                try await sql.raw("DELETE FROM analytics_state WHERE workspace_id = \(bind: app.workspace.id)").run()
            }

            let saved = try await app.request(.put, "/api/settings/attribution", json: #"{"model":"first_touch","click_window_hours":72}"#)
            #expect(saved.status == .ok, "\(saved.text)")
            #expect(saved.json["model"].string == "first_touch")
            #expect(saved.json["click_window_hours"].number == 72)
            #expect(saved.json["read_window_hours"].number == 24, "a field left out keeps its value")
            #expect(saved.json["reattributing"] == .bool(true))
            #expect(try await rebuildRequested(app) != nil)
            #expect(try await app.request(.get, "/api/settings/attribution").json["click_window_hours"].number == 72)

            try await app.database.transaction { sql in
                try await sql.raw("UPDATE analytics_state SET rebuild_requested_at = NULL WHERE workspace_id = \(bind: app.workspace.id)").run()
            }
            let same = try await app.request(.put, "/api/settings/attribution", json: #"{"model":"first_touch","click_window_hours":72,"read_window_hours":24}"#)
            #expect(same.json["reattributing"] == .bool(false))
            #expect(try await rebuildRequested(app) == nil, "saving the same settings measures nothing again")
        }
    }

    @Test("bad settings get a 422 naming the field and change nothing; members cannot change them", arguments: Engine.available)
    func refused(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let put = { (body: String) in try await app.request(.put, "/api/settings/attribution", json: body) }
            expectError(try await put(#"{"model":"linear"}"#), .unprocessableContent, field: "model")
            expectError(try await put(#"{"model":"first_touch","click_window_hours":0}"#), .unprocessableContent, code: "out_of_range", field: "click_window_hours")
            expectError(try await put(#"{"read_window_hours":2161}"#), .unprocessableContent, code: "out_of_range", field: "read_window_hours")
            expectError(try await put(#"{"read_window_hours":"24"}"#), .unprocessableContent, field: "read_window_hours")
            expectError(try await put(#"{"click_window_days":7}"#), .unprocessableContent, field: "click_window_days")
            #expect(try await app.request(.get, "/api/settings/attribution").json["model"].string == "last_touch")
            let member = try await app.request(.post, "/api/api-keys", json: #"{"name":"CI","role":"member"}"#).json["secret"].string!
            expectError(try await app.request(.put, "/api/settings/attribution", json: #"{"model":"first_touch"}"#, key: member), .forbidden)
            #expect(try await app.request(.get, "/api/settings/attribution", key: member).status == .ok)
            #expect(try await app.request(.put, "/api/settings/attribution", json: #"{"read_window_hours":2160}"#).status == .ok, "90 days is allowed")
        }
    }
}
