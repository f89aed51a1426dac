/// The rule shapes `herald bench segments` times, as canonical rule JSON.
///
/// Chosen against `herald seed` data (16 countries, tags such as vip and newsletter, 12 categories, orders over the
/// last 365 days, campaigns over the last 300) so each matches a real share of contacts. `$CATEGORY` is replaced by
/// the id of the category named in `category`, looked up in the workspace.
struct BenchShape: Sendable {
    let id: String
    let title: String
    let rules: String
    var category: String? = nil

    static let all: [BenchShape] = [
        BenchShape(
            id: "spend_and_read", title: "PRD 1: spend > $500 in 60 d AND read in 30 d",
            rules: """
                {"combinator": "and", "children": [
                  {"field": "purchases.total_spend", "operator": "gt", "value": 500, "window": {"last_days": 60}},
                  {"field": "engagement.read", "operator": "gte", "value": 1, "window": {"last_days": 30}}]}
                """
        ),
        BenchShape(
            id: "country_vip_or_repeat", title: "PRD 2: country in US, CA AND (tag vip OR orders >= 3)",
            rules: """
                {"combinator": "and", "children": [
                  {"field": "contact.country", "operator": "in", "value": ["US", "CA"]},
                  {"combinator": "or", "children": [
                    {"field": "contact.tags", "operator": "contains", "value": "vip"},
                    {"field": "purchases.order_count", "operator": "gte", "value": 3}]}]}
                """
        ),
        BenchShape(
            id: "category_not_clicked", title: "PRD 3: category >= 2 orders in 90 d AND NOT clicked in 30 d",
            rules: """
                {"combinator": "and", "children": [
                  {"field": "purchases.category", "operator": "gte", "value": 2, "target": "$CATEGORY", "window": {"last_days": 90}},
                  {"combinator": "and", "not": true, "children": [
                    {"field": "engagement.clicked", "operator": "gte", "value": 1, "window": {"last_days": 30}}]}]}
                """,
            category: "Fashion"
        ),
        BenchShape(
            id: "engagement_or", title: "OR(read 7 d, AND(clicked 30 d, replied 30 d), score >= 50)",
            rules: """
                {"combinator": "or", "children": [
                  {"field": "engagement.read", "operator": "gte", "value": 1, "window": {"last_days": 7}},
                  {"combinator": "and", "children": [
                    {"field": "engagement.clicked", "operator": "gte", "value": 1, "window": {"last_days": 30}},
                    {"field": "engagement.replied", "operator": "gte", "value": 1, "window": {"last_days": 30}}]},
                  {"field": "engagement.score", "operator": "gte", "value": 50}]}
                """
        ),
        BenchShape(
            id: "lapsed", title: "days since last purchase > 90 AND orders >= 2",
            rules: """
                {"combinator": "and", "children": [
                  {"field": "purchases.days_since_last_purchase", "operator": "gt", "value": 90},
                  {"field": "purchases.order_count", "operator": "gte", "value": 2}]}
                """
        ),
        BenchShape(
            id: "new_never_engaged", title: "never engaged AND added in the last 30 d",
            rules: """
                {"combinator": "and", "children": [
                  {"field": "engagement.never_engaged", "operator": "eq", "value": true},
                  {"field": "contact.created_at", "operator": "within_last_days", "value": 30}]}
                """
        ),
        BenchShape(
            id: "phone_code_opted_in", title: "phone code 44 or 49 AND opted in AND has a tag",
            rules: """
                {"combinator": "and", "children": [
                  {"field": "contact.phone_country_code", "operator": "in", "value": ["44", "49"]},
                  {"field": "contact.consent_status", "operator": "eq", "value": "opted_in"},
                  {"field": "contact.tags", "operator": "is_set", "value": null}]}
                """
        ),
        BenchShape(
            id: "high_aov_one_order", title: "average order > $150 AND orders = 1 (all time)",
            rules: """
                {"combinator": "and", "children": [
                  {"field": "purchases.average_order_value", "operator": "gt", "value": 150},
                  {"field": "purchases.order_count", "operator": "eq", "value": 1}]}
                """
        ),
    ]
}
