/// Per-template behaviour set after the fact: a template created through the Graph API has none, and an A/B test
/// needs its variations' templates to behave differently.
extension SimulatorState {
    /// Gives the template `name` in `language` its own reactions; false when there is no such template.
    func setBehaviour(_ behaviour: TemplateBehaviour, name: String, language: String) -> Bool {
        let key = TemplateKey(name: name, language: language)
        guard var record = template(key) else { return false }
        record.template.behaviour = behaviour
        templates[key] = record
        return true
    }
}

extension TemplateBehaviour {
    /// Why these numbers cannot be drawn from (a rate outside 0…1, a negative delay), or nil.
    var problem: String? {
        let rates = [
            ("deliverRate", deliverRate), ("readRate", readRate), ("clickRate", clickRate), ("quickReplyRate", quickReplyRate),
            ("textReplyRate", textReplyRate), ("stopRate", stopRate),
        ]
        if let (name, _) = rates.first(where: { !(0...1).contains($0.1) }) { return "\(name) must be from 0 to 1" }
        if let (code, _) = failures.first(where: { !(0...1).contains($0.value) }) { return "failures[\(code)] must be from 0 to 1" }
        let delays = [
            ("sentDelay", sentDelay), ("deliveredDelay", deliveredDelay), ("readDelay", readDelay), ("clickDelay", clickDelay),
            ("replyDelay", replyDelay),
        ]
        if let (name, _) = delays.first(where: { !($0.1 >= 0 && $0.1.isFinite) }) { return "\(name) must be 0 or more seconds" }
        return nil
    }
}
