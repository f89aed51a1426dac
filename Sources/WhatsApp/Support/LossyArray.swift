/// An array that skips elements which fail to decode, so one malformed item in a webhook
/// does not lose the other 999 updates of the same delivery.
struct LossyArray<Element: Decodable & Sendable>: Decodable, Sendable {
    var elements: [Element]

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var elements: [Element] = []
        elements.reserveCapacity(container.count ?? 0)
        while !container.isAtEnd {
            if let element = try? container.decode(Element.self) {
                elements.append(element)
            } else {
                // Step over the bad element: `Skipped` accepts any JSON value without reading it.
                guard (try? container.decode(Skipped.self)) != nil else { break }
            }
        }
        self.elements = elements
    }

    private struct Skipped: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}

extension LossyArray: Encodable where Element: Encodable {
    init(_ elements: [Element]) {
        self.elements = elements
    }

    func encode(to encoder: any Encoder) throws {
        try elements.encode(to: encoder)
    }
}
