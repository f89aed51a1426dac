/// One thing wrong with a rule tree, pointing at the node it is about.
///
/// `path` names the node from the root: `children[1].children[0].value`; the root itself is `""`.
/// Problems found while parsing the seed's flat form use its own shape: `groups[0].rules[2].operator`.
public struct RuleProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, Codable {
        case invalidStructure = "invalid_structure"
        case unknownField = "unknown_field"
        case operatorNotAllowed = "operator_not_allowed"
        case invalidValue = "invalid_value"
        case invalidTarget = "invalid_target"
        case invalidWindow = "invalid_window"
        case tooDeep = "too_deep"
        case tooManyConditions = "too_many_conditions"
        case unknownSegment = "unknown_segment"
        /// A segment used through `in_segment` has stored rules that no longer fit the catalog.
        case invalidSegment = "invalid_segment"
        case cycle
    }

    public let path: String
    public let code: Code
    /// A sentence a marketer understands.
    public let message: String

    public init(_ path: String, _ code: Code, _ message: String) {
        self.path = path
        self.code = code
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Thrown when rules cannot be parsed or compiled; carries every problem found.
public struct RuleProblems: Error, Sendable, CustomStringConvertible {
    public let problems: [RuleProblem]

    public init(_ problems: [RuleProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

/// Builds node paths such as `children[1].children[0].value`.
struct RulePath: Sendable {
    let text: String

    static let root = RulePath(text: "")

    func key(_ name: String) -> RulePath { RulePath(text: text.isEmpty ? name : "\(text).\(name)") }
    func index(_ name: String, _ i: Int) -> RulePath { key("\(name)[\(i)]") }
    func child(_ i: Int) -> RulePath { index("children", i) }
}
