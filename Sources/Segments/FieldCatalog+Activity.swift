extension FieldCatalog {
    /// Purchase fields count paid orders only: refunded and cancelled orders are left out.
    static let purchaseFields: [SegmentField] = [
        SegmentField(
            "purchases.total_spend", "Total spend", group: "purchases", type: .money, valueKind: .money, window: true, source: .totalSpend,
            help: "The sum of the contact's paid orders in the period, in the workspace currency."
        ),
        SegmentField(
            "purchases.order_count", "Number of orders", group: "purchases", type: .number, valueKind: .count, window: true, source: .orderCount,
            help: "How many paid orders the contact placed in the period."
        ),
        SegmentField(
            "purchases.average_order_value", "Average order value", group: "purchases", type: .money, nullable: true, valueKind: .money,
            window: true, operators: [.greaterThan, .greaterThanOrEqual, .lessThan, .lessThanOrEqual, .between, .isSet, .isNotSet],
            source: .averageOrderValue, help: "The average of the contact's paid orders in the period; not set without orders."
        ),
        SegmentField(
            "purchases.first_purchase_at", "First purchase", group: "purchases", type: .date, nullable: true, valueKind: .date,
            source: .firstPurchase, help: "When the contact's first paid order was placed."
        ),
        SegmentField(
            "purchases.last_purchase_at", "Last purchase", group: "purchases", type: .date, nullable: true, valueKind: .date,
            source: .lastPurchase, help: "When the contact's latest paid order was placed."
        ),
        SegmentField(
            "purchases.days_since_last_purchase", "Days since last purchase", group: "purchases", type: .number, nullable: true,
            valueKind: .count, source: .daysSinceLastPurchase, help: "Whole days since the latest paid order; not set without orders."
        ),
        SegmentField(
            "purchases.product", "Bought product", group: "purchases", type: .number, valueKind: .count, window: true, target: .product,
            targetRequired: true, source: .productOrders,
            help: "How many paid orders in the period include the target product. \"At least 1\" means bought it."
        ),
        SegmentField(
            "purchases.category", "Bought from category", group: "purchases", type: .number, valueKind: .count, window: true,
            target: .category, targetRequired: true, source: .categoryOrders,
            help: "How many paid orders in the period include any product of the target category."
        ),
    ]

    static let engagementFields: [SegmentField] = {
        let events: [(String, String, String)] = [
            ("sent", "Was sent", "sent"), ("delivered", "Was delivered", "delivered"), ("read", "Read", "read"),
            ("clicked", "Clicked", "clicked"), ("replied", "Replied", "replied"),
        ]
        var fields = events.map { id, label, type in
            SegmentField(
                "engagement.\(id)", label, group: "engagement", type: .number, valueKind: .count, window: true, target: .campaign,
                source: .eventCount(type: type),
                help: "How many '\(type)' events the contact has in the period, from any campaign or the target campaign. \"At least 1\" means it happened."
            )
        }
        for (id, label, type) in [("read", "read", "read"), ("click", "click", "clicked"), ("reply", "reply", "replied")] {
            fields.append(
                SegmentField(
                    "engagement.days_since_last_\(id)", "Days since last \(label)", group: "engagement", type: .number, nullable: true,
                    valueKind: .count, source: .daysSinceLastEvent(type: type), help: "Whole days since the contact's latest \(label); not set if never."
                )
            )
        }
        fields.append(
            SegmentField(
                "engagement.never_engaged", "Never engaged", group: "engagement", type: .boolean, valueKind: .boolean, source: .neverEngaged,
                help: "True when the contact has never read, clicked or replied to a message."
            )
        )
        fields.append(
            SegmentField(
                "engagement.score", "Engagement score", group: "engagement", type: .number, valueKind: .number, source: .engagementScore,
                help: "0 to 100: 10 points per read, 20 per click and 30 per reply in the last \(engagementScoreDays) days, capped at 100."
            )
        )
        return fields
    }()
}
