import Analytics
import Testing

@Suite("Chart layout")
struct ChartLayoutTests {
    static let funnel = ChartModel.funnel(
        title: "Funnel",
        bars: [
            FunnelBar(label: "Sent", count: 10_000), FunnelBar(label: "Delivered", count: 9_500, fraction: 0.95),
            FunnelBar(label: "Read", count: 6_000, fraction: 0.6), FunnelBar(label: "Clicked", count: 1_200, fraction: 0.12),
            FunnelBar(label: "Converted after a very long label that cannot fit", count: 0, fraction: 0),
        ])

    static let trend = ChartModel.trend(
        title: "Delivery, read and click rates by day",
        xLabels: (1...31).map { "\($0) May" },
        series: [
            ChartSeries(name: "Delivery rate", values: (1...31).map { (day: Int) -> Double? in 0.9 + Double(day % 5) / 100 }),
            ChartSeries(name: "Read rate", values: (1...31).map { (day: Int) -> Double? in day == 10 ? nil : 0.5 + Double(day % 7) / 50 }),
            ChartSeries(name: "Click rate", values: [Double?](repeating: 0.12, count: 31)),
        ],
        valueFormat: .percent)

    static func texts(_ shapes: [ChartShape]) -> [ChartText] {
        shapes.compactMap { if case .text(let text) = $0 { text } else { nil } }
    }

    static func expectLegible(_ shapes: [ChartShape], width: Double, height: Double) {
        let canvas = ChartRect(x: 0, y: 0, width: width, height: height)
        let boxes = texts(shapes).map { ($0.string, $0.box()) }
        for (string, box) in boxes {
            #expect(canvas.contains(box), "\(string) at \(box) leaves the \(width)×\(height) chart")
        }
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                #expect(!boxes[i].1.overlaps(boxes[j].1), "\(boxes[i].0) overlaps \(boxes[j].0) at width \(width)")
            }
        }
    }

    @Test("funnel bars are proportional to their counts and every label stays inside, unoverlapped", arguments: [360.0, 640.0])
    func funnelLayout(width: Double) {
        let shapes = ChartLayout.layout(Self.funnel, width: width, height: 260)
        let bars = shapes.compactMap { shape -> ChartRect? in
            if case .rect(let rect, let fill) = shape, fill == ChartColour.series[0] { rect } else { nil }
        }
        #expect(bars.count == 4, "the zero bar draws nothing")
        #expect(abs(bars[1].width / bars[0].width - 0.95) < 0.001)
        #expect(abs(bars[3].width / bars[0].width - 0.12) < 0.001)
        #expect(bars.allSatisfy { $0.maxX <= width })
        let strings = Self.texts(shapes).map(\.string)
        #expect(strings.contains("Funnel"))
        #expect(strings.contains("9,500 · 95 %"))
        #expect(strings.contains("10,000"))
        #expect(strings.contains { $0.hasPrefix("Converted") && $0.hasSuffix("…") } || strings.contains(Self.funnelLongLabel))
        Self.expectLegible(shapes, width: width, height: 260)
    }
    static let funnelLongLabel = "Converted after a very long label that cannot fit"

    @Test("trend: one line per series, gaps split a line, x labels thinned so none overlap", arguments: [360.0, 640.0])
    func trendLayout(width: Double) {
        let shapes = ChartLayout.layout(Self.trend, width: width, height: 240)
        let lines = shapes.compactMap { shape -> [ChartPoint]? in
            if case .polyline(let points, _, _) = shape { points } else { nil }
        }
        #expect(lines.count == 4, "delivery, click and read split in two by its gap")
        #expect(lines.allSatisfy { $0.allSatisfy { $0.x >= 0 && $0.x <= width && $0.y >= 0 && $0.y <= 240 } })
        let texts = Self.texts(shapes).map(\.string)
        let dayLabels = texts.filter { $0.hasSuffix(" May") }
        #expect(dayLabels.contains("1 May"))
        #expect(dayLabels.count < 31 || width > 1000)
        #expect(dayLabels.count >= 3)
        #expect(texts.contains("Read rate") && texts.contains("Click rate"))
        #expect(texts.contains { $0.hasSuffix(" %") })
        Self.expectLegible(shapes, width: width, height: 240)
    }

    @Test("y grows downwards: a higher value is drawn higher up")
    func yDown() {
        let model = ChartModel.trend(
            title: "t", xLabels: ["a", "b"], series: [ChartSeries(name: "s", values: [1, 3])], valueFormat: .number)
        let shapes = ChartLayout.layout(model, width: 360, height: 200)
        guard case .polyline(let points, _, _) = shapes.first(where: { if case .polyline = $0 { true } else { false } }) else {
            Issue.record("no polyline")
            return
        }
        #expect(points.count == 2)
        #expect(points[1].y < points[0].y)
        #expect(points[1].x > points[0].x)
    }

    @Test("empty and degenerate charts still lay out inside their box")
    func degenerate() {
        let cases: [ChartModel] = [
            .funnel(title: "Nothing sent", bars: []),
            .funnel(title: "Zeros", bars: [FunnelBar(label: "Sent", count: 0), FunnelBar(label: "Read", count: 0, fraction: nil)]),
            .trend(title: "One day", xLabels: ["1 May"], series: [ChartSeries(name: "Read rate", values: [0.5])], valueFormat: .percent),
            .trend(title: "No data", xLabels: [], series: [], valueFormat: .number),
            .trend(title: "All gaps", xLabels: ["a", "b"], series: [ChartSeries(name: "s", values: [nil, nil])], valueFormat: .number),
        ]
        for model in cases {
            Self.expectLegible(ChartLayout.layout(model, width: 360, height: 200), width: 360, height: 200)
        }
    }
}
