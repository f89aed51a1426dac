extension SegmentTemplate {
    /// Every ready-made segment, in the order the builder offers them. Ids are stable: the API takes them.
    public static let all: [SegmentTemplate] = [
        SegmentTemplate(
            "vip_spenders", "VIP spenders", "Contacts who spent more than an amount in a recent period: your best customers right now.",
            parameters: [.init("min_spend", "Spent more than", .money, default: 500), .init("days", "In the last (days)", .days, default: 90)],
            rules: { .all(.when("purchases.total_spend", .greaterThan, $0["min_spend"], window: .lastDays($0.int("days")))) },
            name: { "over \($0.amount("min_spend")) in \($0.int("days")) days" }
        ),
        SegmentTemplate(
            "lapsed_customers", "Lapsed customers",
            "Contacts who bought before but have not placed an order for a while: candidates for a win-back offer.",
            parameters: [.init("days", "No purchase for more than (days)", .days, default: 90)],
            rules: {
                .all(
                    .when("purchases.order_count", .greaterThanOrEqual, 1),
                    .when("purchases.days_since_last_purchase", .greaterThan, $0["days"])
                )
            },
            name: { "no purchase for \($0.int("days")) days" }
        ),
        SegmentTemplate(
            "engaged_non_clickers", "Engaged readers who never click",
            "Contacts who read your messages but clicked none of them in the same period: try a different offer or call to action.",
            parameters: [
                .init("min_reads", "Read at least (messages)", .number, default: 1), .init("days", "In the last (days)", .days, default: 30),
            ],
            rules: {
                .all(
                    .when("engagement.read", .greaterThanOrEqual, $0["min_reads"], window: .lastDays($0.int("days"))),
                    .when("engagement.clicked", .equals, 0, window: .lastDays($0.int("days")))
                )
            },
            name: { "read, no clicks in \($0.int("days")) days" }
        ),
        SegmentTemplate(
            "new_subscribers", "New subscribers", "Contacts added recently who agreed to receive marketing messages: welcome them.",
            parameters: [.init("days", "Added in the last (days)", .days, default: 14)],
            rules: {
                .all(.when("contact.created_at", .withinLastDays, $0["days"]), .when("contact.consent_status", .equals, "opted_in"))
            },
            name: { "added in the last \($0.int("days")) days" }
        ),
        SegmentTemplate(
            "repeat_buyers", "Repeat buyers", "Contacts who placed several orders in a period: loyal customers to reward.",
            parameters: [.init("min_orders", "At least (orders)", .number, default: 2), .init("days", "In the last (days)", .days, default: 365)],
            rules: { .all(.when("purchases.order_count", .greaterThanOrEqual, $0["min_orders"], window: .lastDays($0.int("days")))) },
            name: { "\($0.int("min_orders"))+ orders in \($0.int("days")) days" }
        ),
        SegmentTemplate(
            "category_fans", "Category fans", "Contacts who bought from one category again and again: tell them first about what is new in it.",
            parameters: [
                .init("category", "Category", .category), .init("min_orders", "At least (orders)", .number, default: 2),
                .init("days", "In the last (days)", .days, default: 180),
            ],
            rules: {
                .all(
                    .when("purchases.category", .greaterThanOrEqual, $0["min_orders"], window: .lastDays($0.int("days")), target: $0.id("category"))
                )
            },
            name: { "\($0.int("min_orders"))+ orders from the category in \($0.int("days")) days" }
        ),
        SegmentTemplate(
            "never_engaged", "Never engaged",
            "Contacts who received several messages and never read, clicked or replied: send less to them, or ask if they still want messages.",
            parameters: [.init("min_delivered", "Received at least (messages)", .number, default: 3)],
            // Delivered rather than sent: a message that never arrived says nothing about interest.
            rules: {
                .all(.when("engagement.never_engaged", .equals, true), .when("engagement.delivered", .greaterThanOrEqual, $0["min_delivered"]))
            },
            name: { "\($0.int("min_delivered"))+ messages, no reaction" }
        ),
        SegmentTemplate(
            "high_value_one_time_buyers", "High-value one-time buyers",
            "Contacts whose only order was a large one: a second purchase is the one to encourage.",
            parameters: [.init("min_spend", "Order worth at least", .money, default: 200)],
            rules: {
                .all(.when("purchases.order_count", .equals, 1), .when("purchases.total_spend", .greaterThanOrEqual, $0["min_spend"]))
            },
            name: { "one order of \($0.amount("min_spend")) or more" }
        ),
        SegmentTemplate(
            "campaign_clickers_no_purchase", "Clicked a campaign but did not buy",
            "Contacts who clicked a campaign's link but placed no order recently: a reminder or a small incentive may win them over.",
            parameters: [.init("campaign", "Campaign", .campaign), .init("days", "No order in the last (days)", .days, default: 14)],
            rules: {
                .all(
                    .when("engagement.clicked", .greaterThanOrEqual, 1, target: $0.id("campaign")),
                    .when("purchases.order_count", .equals, 0, window: .lastDays($0.int("days")))
                )
            },
            name: { "no order in \($0.int("days")) days" }
        ),
        SegmentTemplate(
            "product_buyers", "Product buyers", "Contacts who bought a product in a period: for refills, accessories and reviews.",
            parameters: [.init("product", "Product", .product), .init("days", "In the last (days)", .days, default: 365)],
            rules: {
                .all(.when("purchases.product", .greaterThanOrEqual, 1, window: .lastDays($0.int("days")), target: $0.id("product")))
            },
            name: { "bought in the last \($0.int("days")) days" }
        ),
    ]
}
