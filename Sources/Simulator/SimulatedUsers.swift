/// A WhatsApp user as the fake Meta knows them.
public struct SimulatedUser: Sendable, Codable, Equatable {
    /// Digits of the phone number; `nil` for a BSUID the simulator has never seen with a number.
    public var phone: String?
    /// Business-scoped user id: the country, a period and 19 digits (`GB.0123456789012345678`).
    public var bsuid: String
    /// Set for users who adopted a username; they withhold their phone unless the business sent to it.
    public var username: String?
    /// The WhatsApp profile name.
    public var name: String

    /// The ISO 3166 alpha-2 country the BSUID starts with.
    public var country: String { String(bsuid.prefix(2)) }

    /// Calling code 1: Meta does not deliver marketing templates there, whether sent by phone or by BSUID.
    var isNorthAmerican: Bool { UserCountries.northAmerican.contains(country) }
}

/// Who the simulated users are: identities derived from the seed and the phone number, changes of
/// number, and Meta's "contact book": phones the business sent to with `to`, which Meta shares in
/// webhooks even for users who withhold their number.
struct SimulatedUsers: Sendable {
    let seed: UInt64
    let usernameShare: Double
    private var bsuidByPhone: [String: String] = [:]
    private var byBSUID: [String: SimulatedUser] = [:]
    private var contactBook: Set<String> = []

    init(seed: UInt64, usernameShare: Double) {
        self.seed = seed
        self.usernameShare = usernameShare
    }

    /// The user at `phone` (digits), as first met: a BSUID of the phone's country and 19 digits from
    /// `SplitMix64(seed, "bsuid", phone)`, and, for a `usernameShare` of users, a username.
    static func identity(phone: String, seed: UInt64, usernameShare: Double) -> SimulatedUser {
        var rng = SplitMix64(seed: seed, parts: ["bsuid", phone])
        let bsuid = UserCountries.country(ofPhone: phone) + "." + Self.digits(&rng)
        let name = ProfileNames.name(for: phone)
        let tag = rng.next() % 9_000 + 1_000  // drawn whatever the share, so the share changes nothing else
        let username = rng.chance(usernameShare) ? "\(name.lowercased()).\(tag)" : nil
        return SimulatedUser(phone: phone, bsuid: bsuid, username: username, name: name)
    }

    /// `^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$`: a BSUID or a parent BSUID, as `recipient` accepts them.
    static func isBSUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 4, bytes[0...1].allSatisfy({ (65...90).contains($0) }), bytes[2] == UInt8(ascii: ".") else { return false }
        var rest = bytes[3...]
        if rest.starts(with: "ENT.".utf8) { rest = rest.dropFirst(4) }
        return (1...128).contains(rest.count) && rest.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
    }

    private static func digits(_ rng: inout SplitMix64) -> String {
        String((0..<19).map { _ in Character(String(rng.next() % 10)) })
    }

    mutating func user(phone: String) -> SimulatedUser {
        if let bsuid = bsuidByPhone[phone], let user = byBSUID[bsuid] { return user }
        let user = Self.identity(phone: phone, seed: seed, usernameShare: usernameShare)
        remember(user)
        return user
    }

    /// The user with this BSUID; one never met is a user of the BSUID's country whose phone is unknown.
    mutating func user(bsuid: String) -> SimulatedUser {
        if let user = byBSUID[bsuid] { return user }
        var rng = SplitMix64(seed: seed, parts: ["username", bsuid])
        let name = ProfileNames.name(for: bsuid)
        let tag = rng.next() % 9_000 + 1_000
        let user = SimulatedUser(phone: nil, bsuid: bsuid, username: rng.chance(usernameShare) ? "\(name.lowercased()).\(tag)" : nil, name: name)
        remember(user)
        return user
    }

    /// Gives the user a username (from `/_simulator/inbound`), so they withhold their phone too.
    mutating func setUsername(_ username: String, of user: SimulatedUser) -> SimulatedUser {
        var changed = user
        changed.username = username
        remember(changed)
        return changed
    }

    /// The business sent to this phone with `to`: from now on Meta shares it in webhooks.
    mutating func sentByPhone(_ phone: String) {
        contactBook.insert(phone)
    }

    /// Whether webhooks about `user` carry their phone: always for users without a username; for
    /// username users only once the business has sent to that phone.
    func sharesPhone(_ user: SimulatedUser) -> Bool {
        guard let phone = user.phone else { return false }
        return user.username == nil || contactBook.contains(phone)
    }

    /// The user changes number (a new BSUID comes with it, as Meta says) or, with no new number,
    /// only their BSUID changes. The old BSUID is forgotten.
    mutating func change(_ user: SimulatedUser, toPhone newPhone: String?) -> SimulatedUser {
        var changed = user
        if let newPhone {
            changed.phone = newPhone
            changed.bsuid = Self.identity(phone: newPhone, seed: seed, usernameShare: usernameShare).bsuid
            if sharesPhone(user) { contactBook.insert(newPhone) }  // the new number can be shared
            if let old = user.phone { bsuidByPhone[old] = nil }
        } else {
            var rng = SplitMix64(seed: seed, parts: ["bsuid", user.bsuid, "changed"])
            changed.bsuid = user.country + "." + Self.digits(&rng)
        }
        byBSUID[user.bsuid] = nil
        remember(changed)
        return changed
    }

    /// Forgets changes, usernames given over the control API and the contact book.
    mutating func reset() {
        self = SimulatedUsers(seed: seed, usernameShare: usernameShare)
    }

    private mutating func remember(_ user: SimulatedUser) {
        byBSUID[user.bsuid] = user
        if let phone = user.phone { bsuidByPhone[phone] = user.bsuid }
    }
}
