/// A value for one `{{…}}` variable of a template's header or body.
public struct TemplateParameter: Sendable, Equatable, Hashable {
    /// The variable's name for templates with named parameters (sent as `parameter_name`);
    /// nil for positional `{{1}}` templates, where order decides.
    public var name: String?
    /// The text substituted for the variable.
    public var text: String

    public init(name: String? = nil, text: String) {
        self.name = name
        self.text = text
    }
}

/// The per-recipient suffix for a URL button whose registered URL ends in a variable,
/// e.g. a click-tracking token appended to `https://shop.example/r/{{1}}`.
public struct URLButtonParameter: Sendable, Equatable, Hashable {
    /// The button's position among the template's buttons, starting at 0.
    public var index: Int
    /// The text appended to the registered URL.
    public var suffix: String

    public init(index: Int, suffix: String) {
        self.index = index
        self.suffix = suffix
    }
}

/// The payload returned in the inbound `button` webhook when the recipient taps a quick-reply button.
public struct QuickReplyParameter: Sendable, Equatable, Hashable {
    /// The button's position among the template's buttons, starting at 0.
    public var index: Int
    /// Our own string, e.g. `STOP_PROMO`, echoed back as `button.payload`.
    public var payload: String

    public init(index: Int, payload: String) {
        self.index = index
        self.payload = payload
    }
}
