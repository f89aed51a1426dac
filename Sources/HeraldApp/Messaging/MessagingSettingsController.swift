import Foundation
import Hummingbird
import SQLKit
import Storage
import WhatsApp

/// `/api/rates`, `/api/alerts` and `/api/settings/consent-keywords`.
struct MessagingSettingsController {
    let services: MessagingServices

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("rates", use: rates)
        group.put("rates", use: replaceRates)
        group.get("alerts", use: alerts)
        group.post("alerts/{id}/resolve", use: resolve)
        group.get("settings/consent-keywords", use: keywords)
        group.put("settings/consent-keywords", use: replaceKeywords)
    }

    @Sendable func rates(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try JSONResponse.make(try await services.rates.table(workspaceID: context.access.workspaceID))
    }

    @Sendable func replaceRates(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let table = try RateTableInput.parse(try await request.jsonBody(context: context))
        try await services.rates.replace(workspaceID: context.access.workspaceID, table: table)
        return try JSONResponse.make(table)
    }

    @Sendable func alerts(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let open = request.uri.queryParameters["open"].map { $0 == "true" || $0 == "1" } ?? false
        struct List: Encodable { let data: [Alert] }
        return try JSONResponse.make(List(data: try await services.alerts.list(workspaceID: context.access.workspaceID, openOnly: open)))
    }

    @Sendable func resolve(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            try await services.alerts.resolve(workspaceID: context.access.workspaceID, id: id)
        else { throw APIError.notFound("the open alert") }
        return Response(status: .noContent)
    }

    @Sendable func keywords(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let d = services.database.dialect
        let keywords = try await services.database.read { sql in
            try await ConsentChange.keywords(workspaceID: context.access.workspaceID, dialect: d, in: sql)
        }
        return try JSONResponse.make(KeywordsBody(keywords))
    }

    struct KeywordsBody: Encodable {
        let opt_out: [String]
        let opt_in: [String]
        init(_ k: ConsentKeywords) {
            opt_out = k.optOut
            opt_in = k.optIn
        }
    }

    @Sendable func replaceKeywords(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let reader = try FieldReader(try await request.jsonBody(context: context), path: "")
        try reader.rejectUnknown(["opt_out", "opt_in"])
        func list(_ key: String) throws -> [String] {
            let words = (try reader.strings(key) ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !words.isEmpty, words.count <= 100, words.allSatisfy({ $0.count <= 40 }) else {
                throw APIError.invalid(key, "\(key) is a list of 1 to 100 words or phrases of at most 40 characters")
            }
            return words
        }
        let keywords = ConsentKeywords(optOut: try list("opt_out"), optIn: try list("opt_in"))
        if let clash = Set(keywords.optOut.map { $0.lowercased() }).intersection(keywords.optIn.map { $0.lowercased() }).first {
            throw APIError.invalid("opt_in", "\"\(clash)\" cannot both opt out and opt in")
        }
        let d = services.database.dialect
        let json = String(decoding: try JSONEncoder().encode(keywords), as: UTF8.self)
        try await services.database.transaction { sql in
            try await sql.raw("UPDATE workspaces SET opt_out_keywords = \(d.json(json)), updated_at = \(bind: Date()) WHERE id = \(bind: context.access.workspaceID)").run()
        }
        return try JSONResponse.make(KeywordsBody(keywords))
    }
}
