extension TemplateDefinition {
    /// Meta's limits, checked before a template is submitted so the operator sees every problem at once.
    public enum Limits {
        public static let nameLength = 512
        public static let headerTextLength = 60
        public static let bodyLength = 1_024
        public static let footerLength = 60
        public static let buttonLabelLength = 25
        public static let buttonCount = 10
    }

    /// Problems that would make Meta reject the template, as sentences for the operator; empty when none.
    public func validate() -> [String] {
        var problems: [String] = []
        if name.isEmpty || !name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) {
            problems.append("The name may contain only lowercase letters, digits and underscores.")
        }
        if name.count > Limits.nameLength { problems.append("The name is longer than \(Limits.nameLength) characters.") }
        if let header = headerText, headerFormat == "TEXT", header.count > Limits.headerTextLength {
            problems.append("The header is longer than \(Limits.headerTextLength) characters.")
        }
        if let body = bodyText {
            if body.count > Limits.bodyLength { problems.append("The body is longer than \(Limits.bodyLength) characters.") }
        } else {
            problems.append("A template needs a body.")
        }
        if let footer = footerText, footer.count > Limits.footerLength {
            problems.append("The footer is longer than \(Limits.footerLength) characters.")
        }
        problems += variableProblems(in: headerVariables, part: "header")
        problems += variableProblems(in: bodyVariables, part: "body")
        problems += buttonProblems()
        return problems
    }

    private func variableProblems(in names: [String], part: String) -> [String] {
        guard !names.isEmpty else { return [] }
        if usesNamedParameters {
            let invalid = names.filter { TemplateVariables.isPositional($0) || $0 != $0.lowercased() }
            return invalid.isEmpty
                ? [] : ["Named variables in the \(part) must be lowercase names, not \(invalid.map { "{{\($0)}}" }.joined(separator: ", "))."]
        }
        guard names.allSatisfy(TemplateVariables.isPositional) else {
            return ["Variables in the \(part) must be numbered {{1}}, {{2}}, … unless the parameter format is NAMED."]
        }
        let numbers = Set(names.compactMap { Int($0) })
        return !numbers.isEmpty && numbers == Set(1...numbers.count) ? [] : ["Variables in the \(part) must be numbered from {{1}} without gaps."]
    }

    private func buttonProblems() -> [String] {
        var problems: [String] = []
        if buttons.count > Limits.buttonCount { problems.append("A template can have at most \(Limits.buttonCount) buttons.") }
        for button in buttons where button.text.count > Limits.buttonLabelLength {
            problems.append("The button label “\(button.text)” is longer than \(Limits.buttonLabelLength) characters.")
        }
        for button in buttons where button.type == "URL" {
            let url = button.url ?? ""
            let variables = TemplateVariables.occurrences(in: url)
            if variables.count > 1 {
                problems.append("The URL of button “\(button.text)” may have only one variable.")
            } else if let variable = variables.first, variable.range.upperBound != url.endIndex {
                problems.append("The variable in the URL of button “\(button.text)” must be at its end.")
            }
        }
        if buttons.filter({ $0.type == "URL" }).count > 2 { problems.append("A template can have at most 2 URL buttons.") }
        if buttons.filter({ $0.type == "PHONE_NUMBER" }).count > 1 { problems.append("A template can have at most 1 phone-number button.") }
        return problems
    }
}
