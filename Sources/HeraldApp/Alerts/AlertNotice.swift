import Foundation

/// What an outgoing alert webhook says about one episode; stored with the notification when the episode fires or
/// resolves, and turned into the request body when it is sent (the console link is added then).
struct AlertNotice: Sendable, Codable, Equatable {
    enum State: String, Sendable, Codable { case fired, resolved, test }

    var alertID: UUID?
    var rule: String
    var ruleID: UUID?
    var level: String
    var state: State
    var value: Double?
    var message: String
    var campaignID: UUID?
    var campaign: String?
    var at: Date
    /// The console link, set only in the body that is sent.
    var url: String? = nil

    enum CodingKeys: String, CodingKey {
        case rule, level, state, value, message, campaign, at, url
        case alertID = "alert_id", ruleID = "rule_id", campaignID = "campaign_id"
    }

    /// The body as stored in `alert_notifications.body`.
    func stored() throws -> String { String(decoding: try JSONResponse.data(self), as: UTF8.self) }

    static func fromStored(_ text: String) throws -> AlertNotice { try decoder.decode(AlertNotice.self, from: Data(text.utf8)) }

    /// The line a Slack channel shows: state, level, what happened and a link to the console.
    func slackText(url: String) -> String {
        let icon =
            switch state {
            case .fired: level == "critical" ? ":rotating_light:" : level == "info" ? ":information_source:" : ":warning:"
            case .resolved: ":white_check_mark:"
            case .test: ":wave:"
            }
        let verb =
            switch state {
            case .fired: "Alert"
            case .resolved: "Resolved"
            case .test: "Test"
            }
        return "\(icon) \(verb): \(Self.slackEscaped(message)) <\(url)|Open in Herald>"
    }

    /// The request body: Slack-compatible `text` and the structured `herald` object (keys sorted, so a body is stable).
    func body(baseURL: String) throws -> Data {
        let url = "\(baseURL)/alerts" + (alertID.map { "#alert-\($0.uuidString.lowercased())" } ?? "")
        var herald = self
        herald.url = url
        struct Body: Encodable {
            let text: String
            let herald: AlertNotice
        }
        return try JSONResponse.data(Body(text: slackText(url: url), herald: herald))
    }

    /// Slack's three control characters in message text.
    static func slackEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = ISODate.parse(text) else { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: text)) }
            return date
        }
        return decoder
    }()
}
