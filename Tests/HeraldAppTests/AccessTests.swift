import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldApp

@Suite("Workspaces and access")
struct AccessTests {
    @Test("the API refuses a missing, malformed, unknown or revoked key", arguments: Engine.available)
    func keys(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            expectError(try await app.request(.get, "/api/contacts", key: ""), .unauthorized, code: "unauthorized")
            expectError(try await app.client.executeRequest(uri: "/api/contacts", method: .get, headers: [.authorization: "Basic abc"], body: nil), .unauthorized)
            expectError(try await app.request(.get, "/api/contacts", key: "hk_unknown"), .unauthorized)
            let created = try await app.request(.post, "/api/api-keys", json: #"{"name":"CI","role":"member"}"#)
            #expect(created.status == .created)
            let secret = try #require(created.json["secret"].string)
            #expect(try await app.request(.get, "/api/contacts", key: secret).status == .ok)
            let listed = try await app.request(.get, "/api/api-keys").text
            #expect(!listed.contains(secret), "a listed key never shows its secret")
            let id = created.json["key"]["id"].string!
            #expect(try await app.request(.delete, "/api/api-keys/\(id)").status == .noContent)
            expectError(try await app.request(.get, "/api/contacts", key: secret), .unauthorized)
        }
    }

    @Test("a key of another workspace never sees this workspace's data", arguments: Engine.available)
    func isolation(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let contact = try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","name":"Mine"}"#).json
            let id = contact["id"].string!
            _ = try await app.request(.post, "/api/orders", json: #"{"external_id":"o-1","contact":{"id":"\#(id)"},"total":1000}"#)
            let (_, otherKey) = try await app.services.workspaces.create(name: "Other")
            #expect(try await app.request(.get, "/api/contacts", key: otherKey).json["data"].array.isEmpty)
            expectError(try await app.request(.get, "/api/contacts/\(id)", key: otherKey), .notFound)
            expectError(try await app.request(.patch, "/api/contacts/\(id)", json: #"{"name":"Stolen"}"#, key: otherKey), .notFound)
            expectError(try await app.request(.delete, "/api/contacts/\(id)", key: otherKey), .notFound)
            #expect(try await app.request(.get, "/api/orders", key: otherKey).json["data"].array.isEmpty)
            #expect(try await app.request(.get, "/api/contacts?q=Mine", key: otherKey).json["data"].array.isEmpty)
            let export = try await app.request(.get, "/api/contacts/export", key: otherKey).text
            #expect(!export.contains("+4915112345678"))
            // The other workspace may reuse the phone: contacts are unique per workspace only.
            #expect(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678"}"#, key: otherKey).status == .created)
            #expect(try await app.request(.get, "/api/contacts/\(id)").json["name"].string == "Mine")
        }
    }

    @Test("a viewer can read but not change anything", arguments: Engine.available)
    func viewer(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let viewer = try await app.request(.post, "/api/api-keys", json: #"{"name":"Read only","role":"viewer"}"#).json["secret"].string!
            #expect(try await app.request(.get, "/api/contacts", key: viewer).status == .ok)
            expectError(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678"}"#, key: viewer), .forbidden)
            expectError(try await app.request(.post, "/api/contacts/import", body: "phone\n+4915112345678\n", contentType: "text/csv", key: viewer), .forbidden)
            expectError(try await app.request(.post, "/api/api-keys", json: #"{"name":"x"}"#, key: viewer), .forbidden)
            expectError(try await app.request(.patch, "/api/workspace", json: #"{"name":"x"}"#, key: viewer), .forbidden)
        }
    }

    @Test("workspace settings are validated", arguments: Engine.available)
    func settings(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let updated = try await app.request(.patch, "/api/workspace", json: #"{"time_zone":"Europe/Berlin","currency":"eur","default_country":"AT"}"#)
            #expect(updated.status == .ok, "\(updated.text)")
            #expect(updated.json["currency"].string == "EUR")
            expectError(try await app.request(.patch, "/api/workspace", json: #"{"time_zone":"Mars/Olympus"}"#), .unprocessableContent, field: "time_zone")
            expectError(try await app.request(.patch, "/api/workspace", json: #"{"currency":"EURO"}"#), .unprocessableContent, field: "currency")
            // Numbers without a country code now use Austria's.
            #expect(try await app.request(.post, "/api/contacts", json: #"{"phone":"0664 1234567"}"#).json["phone"].string == "+436641234567")
        }
    }

    @Test("users: the last owner cannot be removed, passwords are checked", arguments: Engine.available)
    func users(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let owner = try await app.request(.post, "/api/users", json: #"{"email":"owner@acme.test","password":"correct horse","role":"owner"}"#)
            #expect(owner.status == .created, "\(owner.text)")
            expectError(try await app.request(.post, "/api/users", json: #"{"email":"owner@acme.test","password":"correct horse"}"#), .conflict)
            expectError(try await app.request(.post, "/api/users", json: #"{"email":"x@acme.test","password":"short"}"#), .unprocessableContent, field: "password")
            expectError(try await app.request(.delete, "/api/users/\(owner.json["id"].string!)"), .conflict, code: "last_owner")
            let member = try await app.request(.post, "/api/users", json: #"{"email":"m@acme.test","password":"correct horse"}"#)
            let promoted = try await app.request(.patch, "/api/users/\(member.json["id"].string!)", json: #"{"role":"admin"}"#)
            #expect(promoted.status == .ok && promoted.json["role"].string == "admin", "\(promoted.text)")
            expectError(try await app.request(.patch, "/api/users/\(owner.json["id"].string!)", json: #"{"role":"viewer"}"#), .conflict, code: "last_owner")
            #expect(try await app.services.users.verify(email: "OWNER@acme.test", password: "correct horse") != nil)
            #expect(try await app.services.users.verify(email: "owner@acme.test", password: "wrong horse") == nil)
        }
    }

    @Test("only an owner may change or remove an owner", arguments: Engine.available)
    func owners(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let first = try #require(try await app.request(.post, "/api/users", json: #"{"email":"one@acme.test","password":"correct horse","role":"owner"}"#).json["id"].string)
            let second = try #require(try await app.request(.post, "/api/users", json: #"{"email":"two@acme.test","password":"correct horse","role":"owner"}"#).json["id"].string)
            let member = try #require(try await app.request(.post, "/api/users", json: #"{"email":"m@acme.test","password":"correct horse"}"#).json["id"].string)
            let admin = try #require(try await app.request(.post, "/api/api-keys", json: #"{"name":"Admin","role":"admin"}"#).json["secret"].string)
            for role in ["admin", "member", "viewer", "owner"] {
                expectError(try await app.request(.patch, "/api/users/\(first)", json: #"{"role":"\#(role)"}"#, key: admin), .forbidden, code: "forbidden")
            }
            expectError(try await app.request(.delete, "/api/users/\(first)", key: admin), .forbidden, code: "forbidden")
            let ownerKey = try #require(try await app.services.keys.list(workspaceID: app.workspace.id).first { $0.role == .owner })
            expectError(try await app.request(.delete, "/api/api-keys/\(ownerKey.id.uuidString.lowercased())", key: admin), .forbidden, code: "forbidden")
            #expect(try await app.request(.get, "/api/contacts").status == .ok, "the owner's key still works")
            let users = try await app.services.users.list(workspaceID: app.workspace.id)
            #expect(users.filter { $0.role == .owner }.count == 2, "both owners are still owners")
            // An admin still manages everyone else.
            #expect(try await app.request(.patch, "/api/users/\(member)", json: #"{"role":"viewer"}"#, key: admin).status == .ok)
            expectError(try await app.request(.patch, "/api/users/\(member)", json: #"{"role":"owner"}"#, key: admin), .forbidden)
            #expect(try await app.request(.delete, "/api/users/\(member)", key: admin).status == .noContent)
            // An owner may demote and remove another owner, but never the last one.
            let demoted = try await app.request(.patch, "/api/users/\(second)", json: #"{"role":"admin"}"#)
            #expect(demoted.status == .ok && demoted.json["role"].string == "admin", "\(demoted.text)")
            expectError(try await app.request(.patch, "/api/users/\(first)", json: #"{"role":"admin"}"#), .conflict, code: "last_owner")
            expectError(try await app.request(.delete, "/api/users/\(first)"), .conflict, code: "last_owner")
            #expect(try await app.request(.patch, "/api/users/\(second)", json: #"{"role":"owner"}"#).status == .ok)
            #expect(try await app.request(.delete, "/api/users/\(first)").status == .noContent)
        }
    }

    @Test("an admin signed in to the console cannot demote an owner either", arguments: Engine.available)
    func ownersFromSession(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let owner = try await app.services.users.create(workspaceID: app.workspace.id, email: "o@acme.test", password: "correct horse", role: .owner)
            let (cookie, csrf) = try await WebConsoleTests.signIn(app, email: "admin@acme.test", role: .admin)
            let headers: HTTPFields = [.cookie: cookie, .init("X-CSRF-Token")!: csrf]
            expectError(try await app.request(.patch, "/api/users/\(owner.id)", json: #"{"role":"viewer"}"#, key: "", headers: headers), .forbidden)
            expectError(try await app.request(.delete, "/api/users/\(owner.id)", key: "", headers: headers), .forbidden)
            #expect(try await app.services.users.list(workspaceID: app.workspace.id).contains { $0.id == owner.id && $0.role == .owner })
        }
    }
}
