import Foundation

/// Which contact holds each phone, BSUID, parent BSUID and username, for checking a write before it is made: each is
/// unique in a workspace when present.
struct ContactIdentities {
    enum Kind: CaseIterable {
        case phone, bsuid, parentBSUID, username

        var field: String {
            switch self {
            case .phone: "phone"
            case .bsuid: "bsuid"
            case .parentBSUID: "parent_bsuid"
            case .username: "username"
            }
        }

        var what: String {
            switch self {
            case .phone: "phone"
            case .bsuid: "WhatsApp user ID"
            case .parentBSUID: "parent WhatsApp user ID"
            case .username: "username"
            }
        }

        func value(of contact: Contact) -> String? {
            switch self {
            case .phone: contact.phone
            case .bsuid: contact.bsuid
            case .parentBSUID: contact.parentBSUID
            case .username: contact.username
            }
        }
    }

    struct Key: Hashable {
        let kind: Kind
        let value: String
    }

    /// The identifiers to look up, by column.
    struct Lookup {
        var phones = Set<String>(), bsuids = Set<String>(), parents = Set<String>(), usernames = Set<String>()

        init(_ contacts: [Contact]) {
            for c in contacts {
                if let v = c.phone { phones.insert(v) }
                if let v = c.bsuid { bsuids.insert(v) }
                if let v = c.parentBSUID { parents.insert(v) }
                if let v = c.username { usernames.insert(v) }
            }
        }

        init(_ inputs: some Sequence<ContactInput>) {
            for input in inputs {
                if let v = input.phoneNumber { phones.insert(v.e164) }
                if let v = input.userID { bsuids.insert(v.value) }
                if let v = input.parentBSUID ?? nil { parents.insert(v.value) }
                if let v = input.username ?? nil { usernames.insert(v) }
            }
        }
    }

    /// A row whose phone belongs to one contact and whose BSUID to another: which to merge into is not Herald's guess.
    static let split = APIError(
        .conflict,
        "identity_conflict",
        "the phone belongs to one contact and the WhatsApp user ID (bsuid) to another",
        field: "bsuid"
    )

    private(set) var contacts: [UUID: Contact] = [:]
    private var holders: [Key: UUID] = [:]

    init(_ contacts: [Contact]) {
        for contact in contacts { record(contact, replacing: nil) }
    }

    func holder(_ kind: Kind, _ value: String) -> UUID? { holders[Key(kind: kind, value: value)] }

    /// The error for the first identifier of `contact` that another contact holds.
    func conflict(_ contact: Contact) -> APIError? {
        for kind in Kind.allCases {
            guard let value = kind.value(of: contact), let other = holder(kind, value), other != contact.id else { continue }
            return APIError(.conflict, "\(kind.field)_taken", "another contact has the \(kind.what) \(value)", field: kind.field)
        }
        return nil
    }

    /// Notes `contact` as it is now, forgetting the identifiers its earlier state held.
    mutating func record(_ contact: Contact, replacing previous: Contact?) {
        if let previous {
            for kind in Kind.allCases {
                if let value = kind.value(of: previous), holder(kind, value) == previous.id { holders[Key(kind: kind, value: value)] = nil }
            }
        }
        for kind in Kind.allCases {
            if let value = kind.value(of: contact) { holders[Key(kind: kind, value: value)] = contact.id }
        }
        contacts[contact.id] = contact
    }
}
