/// Templates the demo and the end-to-end tests install in the simulator: two marketing templates
/// whose recipients behave differently, and a utility template; and the demo A/B test's variation.
public enum DemoCatalog {
    /// `linkBase` is Herald's public address: URL buttons point at its `/r/{token}` redirect.
    public static func templates(linkBase: String) -> [SimulatedTemplate] {
        [
            SimulatedTemplate(
                name: "spring_sale", category: "MARKETING", parameterFormat: "POSITIONAL",
                components: [
                    .object(["type": .string("BODY"), "text": .string("Hi {{1}}, our spring sale is on: {{2}} off everything until Sunday."), "example": Self.bodyExample("Maria", "20%")]),
                    .object(["type": .string("FOOTER"), "text": .string("Reply STOP to opt out")]),
                    .object([
                        "type": .string("BUTTONS"),
                        "buttons": .array([
                            .object(["type": .string("URL"), "text": .string("Shop the sale"), "url": .string("\(linkBase)/r/{{1}}"), "example": Self.urlExample(linkBase)]),
                            .object(["type": .string("QUICK_REPLY"), "text": .string("Stop promotions")]),
                        ]),
                    ]),
                ],
                behaviour: TemplateBehaviour(readRate: 0.62, clickRate: 0.18, quickReplyRate: 0.04, textReplyRate: 0.03, stopRate: 0.01)
            ),
            SimulatedTemplate(
                name: "back_in_stock", category: "MARKETING", parameterFormat: "POSITIONAL",
                components: [
                    .object(["type": .string("BODY"), "text": .string("Good news {{1}}: {{2}} is back in stock."), "example": Self.bodyExample("Maria", "the linen shirt")]),
                    .object([
                        "type": .string("BUTTONS"),
                        "buttons": .array([
                            .object(["type": .string("URL"), "text": .string("View product"), "url": .string("\(linkBase)/r/{{1}}"), "example": Self.urlExample(linkBase)])
                        ]),
                    ]),
                ],
                behaviour: TemplateBehaviour(readRate: 0.7, clickRate: 0.25, quickReplyRate: 0, textReplyRate: 0.05, stopRate: 0.005)
            ),
            SimulatedTemplate(
                name: "order_update", category: "UTILITY", parameterFormat: "POSITIONAL",
                components: [.object(["type": .string("BODY"), "text": .string("Hi {{1}}, your order {{2}} has shipped."), "example": Self.bodyExample("Maria", "#1042")])],
                behaviour: TemplateBehaviour(readRate: 0.8, clickRate: 0, quickReplyRate: 0, textReplyRate: 0.02, stopRate: 0)
            ),
        ]
    }

    /// The demo A/B test's variation B: `spring_sale` in bolder words with the same variables and buttons, whose readers
    /// click far more often (0.40 against 0.18), so the test has a true winner to find. Kept out of ``templates(linkBase:)``,
    /// which tests count.
    public static func abVariant(linkBase: String) -> SimulatedTemplate {
        SimulatedTemplate(
            name: "spring_sale_bold", category: "MARKETING", parameterFormat: "POSITIONAL",
            components: [
                .object([
                    "type": .string("BODY"), "text": .string("{{1}}, it's on! {{2}} off EVERYTHING, and only until Sunday. Don't miss it."),
                    "example": Self.bodyExample("Maria", "20%"),
                ]),
                .object(["type": .string("FOOTER"), "text": .string("Reply STOP to opt out")]),
                .object([
                    "type": .string("BUTTONS"),
                    "buttons": .array([
                        .object([
                            "type": .string("URL"), "text": .string("Grab the deal"), "url": .string("\(linkBase)/r/{{1}}"),
                            "example": Self.urlExample(linkBase),
                        ]),
                        .object(["type": .string("QUICK_REPLY"), "text": .string("Stop promotions")]),
                    ]),
                ]),
            ],
            behaviour: TemplateBehaviour(readRate: 0.62, clickRate: 0.40, quickReplyRate: 0.04, textReplyRate: 0.03, stopRate: 0.01)
        )
    }

    /// Meta requires sample values for every variable when a template is created: `example.body_text` for the body.
    static func bodyExample(_ values: String...) -> JSONValue {
        .object(["body_text": .array([.array(values.map(JSONValue.string))])])
    }

    /// A URL button's sample: the full URL with its variable filled in.
    static func urlExample(_ linkBase: String) -> JSONValue {
        .array([.string("\(linkBase)/r/abc123")])
    }
}
