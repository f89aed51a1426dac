import Foundation
import SQLKit
import Storage
import WhatsApp

/// A WhatsApp Business phone number Herald sends from. Secrets are sealed with `HERALD_SECRET_KEY`
/// and never leave the server: the API shows only whether they are set.
public struct WhatsAppAccount: Sendable, Encodable {
    public let id: UUID
    public let workspaceID: UUID
    public var name: String
    public var phoneNumberID: String
    public var wabaID: String
    public var displayPhoneNumber: String?
    public var apiBaseURL: String
    public var apiVersion: String
    public var throughput: Int
    public var messagingTier: String
    public var status: String
    public var statusReason: String?
    public let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, status
        case phoneNumberID = "phone_number_id", wabaID = "waba_id", displayPhoneNumber = "display_phone_number"
        case apiBaseURL = "api_base_url", apiVersion = "api_version", throughput, messagingTier = "messaging_tier"
        case statusReason = "status_reason", createdAt = "created_at"
    }

    public var endpoint: CloudAPIEndpoint { CloudAPIEndpoint(baseURL: apiBaseURL, version: apiVersion) }

    /// The unique users this account may reach with business-initiated messages in 24 hours.
    public var tierLimit: Int? { Self.tiers[messagingTier] ?? nil }
    static let tiers: [String: Int?] = [
        "TIER_250": 250, "TIER_1K": 1000, "TIER_2K": 2000, "TIER_10K": 10_000, "TIER_100K": 100_000, "TIER_UNLIMITED": nil,
    ]
}

/// The sealed secrets of an account, opened only where they are used.
public struct AccountSecrets: Sendable {
    public let accessToken: String
    public let appSecret: String
    public let verifyToken: String
}
