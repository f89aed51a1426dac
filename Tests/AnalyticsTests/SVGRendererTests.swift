import Analytics
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("SVG charts")
struct SVGRendererTests {
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var text = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:])
        {
            elements.append(name)
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    }

    static func parse(_ svg: String) -> (ok: Bool, collector: Collector) {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        return (parser.parse(), collector)
    }

    @Test("a name with markup is escaped: the SVG stays well-formed and the name comes back as text")
    func escaping() {
        let hostile = "<script>alert('x')</script> & \"Zoë\"\u{1}"
        let model = ChartModel.trend(
            title: "Rates for \(hostile)", xLabels: ["1 May", "2 May"],
            series: [ChartSeries(name: hostile, values: [0.1, 0.2])], valueFormat: .percent)
        let svg = SVGRenderer.render(ChartLayout.layout(model, width: 640, height: 240), width: 640, height: 240, title: model.title)
        #expect(!svg.contains("<script"))
        let parsed = Self.parse(svg)
        #expect(parsed.ok)
        #expect(!parsed.collector.elements.contains("script"))
        #expect(parsed.collector.text.contains("<script>alert('x')</script> & \"Zoë\""))
    }

    @Test("the document is a titled, accessible image with a viewBox, and draws every shape")
    func structure() {
        let shapes: [ChartShape] = [
            .rect(ChartRect(x: 0, y: 10, width: 100.5, height: 12), fill: ChartColour(0, 0x72, 0xB2)),
            .line(from: ChartPoint(x: 0, y: 1), to: ChartPoint(x: 10, y: 1), stroke: .grid, width: 0.5),
            .polyline([ChartPoint(x: 0, y: 0), ChartPoint(x: 5, y: 2.25)], stroke: .text, width: 2),
            .text(ChartText("Read", x: 360, y: 12, anchor: .end, size: 11, weight: .bold)),
        ]
        let svg = SVGRenderer.render(shapes, width: 360, height: 200, title: "Funnel")
        let parsed = Self.parse(svg)
        #expect(parsed.ok)
        #expect(parsed.collector.elements == ["svg", "title", "rect", "line", "polyline", "text"] as [String])
        #expect(svg.contains(#"viewBox="0 0 360 200""#))
        #expect(svg.contains(#"role="img""#))
        #expect(svg.contains("<title>Funnel</title>"))
        #expect(svg.contains(##"fill="#0072b2""##))
        #expect(svg.contains(#"points="0,0 5,2.25""#))
        #expect(svg.contains(#"text-anchor="end""#) && svg.contains(#"font-weight="bold""#))
    }

    @Test("funnel and trend layouts at phone and desktop widths give well-formed SVG")
    func layouts() {
        for width in [360.0, 640.0] {
            for model in [ChartLayoutTests.funnel, ChartLayoutTests.trend] {
                let svg = SVGRenderer.render(ChartLayout.layout(model, width: width, height: 260), width: width, height: 260, title: model.title)
                #expect(Self.parse(svg).ok)
                #expect(SVGRenderer.render(model, width: width, height: 260) == svg)
            }
        }
    }
}
