import Foundation

/// Rows of generated data, as they are written.
struct SeedContactRow: Sendable {
    var id: UUID
    var phone: String
    var name: String
    var email: String?
    var country: String
    var language: String
    var city: String
    var tagsJSON: String
    var consentStatus: String
    var consentSource: String?
    var consentAt: Date?
    var createdAt: Date
    var updatedAt: Date
}

struct SeedOrderRow: Sendable {
    var id: UUID
    var externalID: String
    var contactID: UUID
    var totalMinor: Int64
    var status: String
    var orderedAt: Date
    var updatedAt: Date
}

struct SeedLineRow: Sendable {
    var id: UUID
    var orderID: UUID
    var productID: UUID
    var quantity: Int
    var unitPriceMinor: Int64
}

struct SeedEventRow: Sendable {
    var id: UUID
    var contactID: UUID
    var campaignID: UUID
    var messageID: UUID
    var type: String
    var occurredAt: Date
}

/// A campaign message to one contact, as an import of its history stores it (status `imported`): milestones and
/// counters are those of its events, its cohort the first of them, its country the recipient's.
struct SeedMessageRow: Sendable {
    var id: UUID
    var contactID: UUID
    var campaignID: UUID
    var phone: String
    var country: String
    var sentAt: Date
    var deliveredAt: Date?
    var readAt: Date?
    var failedAt: Date?
    var clickedAt: Date?
    var repliedAt: Date?
    var clickCount: Int = 0
    var replyCount: Int = 0
}

struct SeedCategoryRow: Sendable {
    var id: UUID
    var name: String
}

struct SeedProductRow: Sendable {
    var id: UUID
    var externalID: String
    var name: String
    var categoryID: UUID
    var priceMinor: Int64
}

struct SeedCampaignRow: Sendable {
    var id: UUID
    var name: String
    var templateName: String
    var sendAt: Double
    var createdAt: Date
    var completedAt: Date
}

/// Everything generated for one slice of contacts, written in one transaction.
struct SeedBatch: Sendable {
    var contacts: [SeedContactRow] = []
    var orders: [SeedOrderRow] = []
    var lines: [SeedLineRow] = []
    var messages: [SeedMessageRow] = []
    var events: [SeedEventRow] = []

    struct Counts: Sendable {
        var contacts: Int
        var orders: Int
        var lines: Int
        var messages: Int
        var events: Int
    }

    var counts: Counts {
        Counts(contacts: contacts.count, orders: orders.count, lines: lines.count, messages: messages.count, events: events.count)
    }
}
