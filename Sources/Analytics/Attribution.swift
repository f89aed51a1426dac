import Foundation

/// Which campaign message an order converts (docs/design-analytics.md, section 3): the contact's clicks within the click
/// window before the order, else their reads within the read window; the latest (last touch) or the earliest (first
/// touch). One order converts at most one message.
public enum Attribution {
    /// How a message touched the contact before the order.
    public enum Kind: String, Sendable, Codable {
        case click
        case read
    }

    public enum Model: String, Sendable, Codable, CaseIterable {
        case lastTouch = "last_touch"
        case firstTouch = "first_touch"
    }

    /// A workspace's attribution settings.
    public struct Settings: Sendable, Equatable {
        public var model: Model
        public var clickWindowSeconds: Int
        public var readWindowSeconds: Int

        /// Last touch, 7-day clicks, 1-day reads.
        public init(model: Model = .lastTouch, clickWindowSeconds: Int = 604_800, readWindowSeconds: Int = 86_400) {
            self.model = model
            self.clickWindowSeconds = clickWindowSeconds
            self.readWindowSeconds = readWindowSeconds
        }

        /// The widest window: how far after a touch an order can still be converted by it.
        public var longestWindowSeconds: Int { max(clickWindowSeconds, readWindowSeconds) }
    }

    /// A click or read of a campaign message by the order's contact.
    public struct Touch: Sendable, Equatable {
        public var messageID: UUID
        public var campaignID: UUID
        public var kind: Kind
        public var at: Date

        public init(messageID: UUID, campaignID: UUID, kind: Kind, at: Date) {
            self.messageID = messageID
            self.campaignID = campaignID
            self.kind = kind
            self.at = at
        }
    }

    /// The touch an order placed at `orderedAt` converts, or nil. Windows include both ends: a click exactly
    /// `clickWindowSeconds` before the order counts, and so does one at the order's own instant. Ties in time go to
    /// the lower message id (lower-case text order, which is also PostgreSQL's uuid order).
    public static func choose(orderedAt: Date, touches: [Touch], settings: Settings) -> Touch? {
        func within(_ touch: Touch, _ seconds: Int) -> Bool {
            touch.at <= orderedAt && touch.at >= orderedAt.addingTimeInterval(-TimeInterval(seconds))
        }
        let clicks = touches.filter { $0.kind == .click && within($0, settings.clickWindowSeconds) }
        let candidates = clicks.isEmpty ? touches.filter { $0.kind == .read && within($0, settings.readWindowSeconds) } : clicks
        return candidates.min { x, y in
            if x.at != y.at { return settings.model == .lastTouch ? x.at > y.at : x.at < y.at }
            return x.messageID.uuidString.lowercased() < y.messageID.uuidString.lowercased()
        }
    }
}
