import Analytics
import Foundation
import Hummingbird

extension AnalyticsFilter {
    /// The filter of a request's query in the workspace's time zone; a bad value is a 400 `invalid_parameter` naming it.
    init(request: Request, timeZone: TimeZone, now: Date = Date()) throws {
        var query: [String: [String]] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name), default: []].append(String(value)) }
        do { self = try AnalyticsFilter.parse(query, timeZone: timeZone, now: now) } catch {
            throw APIError(.badRequest, "invalid_parameter", error.message, field: error.field)
        }
    }
}
