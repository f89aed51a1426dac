import Foundation
import Mustache

/// Templates, stylesheet, script and the OpenAPI document, shipped inside the binary's resource bundle.
struct WebAssets: Sendable {
    let library: MustacheLibrary
    let css: [UInt8]
    let js: [UInt8]
    /// The campaign form's and campaign page's script, loaded only on those pages.
    let campaignsJS: [UInt8]
    /// The segment list's and builder's script.
    let segmentsJS: [UInt8]
    /// The A/B test pages' script and its pure model (checked by `node --test tests/js`).
    let abTestsJS: [UInt8]
    let abTestsModelJS: [UInt8]
    let openAPI: [UInt8]

    static func load() async throws -> WebAssets {
        let candidates = [Bundle.module.bundleURL.appendingPathComponent("Resources"), Bundle.module.resourceURL?.appendingPathComponent("Resources")]
        guard let root = candidates.compactMap({ $0 }).first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent("openapi.json").path) }) else {
            throw ConfigError("resources", "are missing from the herald bundle at \(Bundle.module.bundlePath)")
        }
        let library = try await MustacheLibrary(directory: root.appendingPathComponent("templates").path)
        func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: root.appendingPathComponent(name))) }
        return WebAssets(
            library: library, css: try bytes("static/herald.css"), js: try bytes("static/herald.js"), campaignsJS: try bytes("static/campaigns.js"),
            segmentsJS: try bytes("static/segments.js"), abTestsJS: try bytes("static/ab-tests.js"),
            abTestsModelJS: try bytes("static/ab-tests-model.js"),
            openAPI: try bytes("openapi.json")
        )
    }
}
