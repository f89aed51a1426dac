import Foundation
import WhatsApp

/// Whom a webhook change is about: the business phone number in its `metadata.phone_number_id`, or,
/// for template events (and a change that names no number), the WhatsApp Business Account of its entry.
enum WebhookAddress: Hashable, Sendable {
    case phoneNumber(String)
    case businessAccount(String)

    /// The change's address; nil for fields Herald does not handle.
    init?(_ change: WebhookChange, entryID: String) {
        switch change {
        case .messages(let value): self = value.phoneNumberID.map(Self.phoneNumber) ?? .businessAccount(entryID)
        case .userPreferences(let preferences): self = preferences.first?.phoneNumberID.map(Self.phoneNumber) ?? .businessAccount(entryID)
        case .userIDUpdates(let changes): self = changes.first?.phoneNumberID.map(Self.phoneNumber) ?? .businessAccount(entryID)
        case .templateStatus, .templateQuality: self = .businessAccount(entryID)
        case .unknown: return nil
        }
    }

    func isOwned(byPhoneNumber phoneNumberID: String, businessAccount wabaID: String) -> Bool {
        switch self {
        case .phoneNumber(let id): id == phoneNumberID
        case .businessAccount(let id): id == wabaID
        }
    }
}

/// Which accounts a signed delivery is for. One Meta app usually serves several numbers, so a
/// signature names the app, not the number: each change goes to the account that owns its address,
/// among the accounts whose app secret signed the delivery. Changes for other numbers are ignored.
struct WebhookRoute {
    /// The signing accounts that own at least one of the delivery's changes, in the order first named.
    var accountIDs: [UUID] = []
    /// Addresses none of the signing accounts owns.
    var unowned: [WebhookAddress] = []

    init(_ delivery: WebhookDelivery, signedBy accounts: [WebhookSecrets.Entry]) {
        for entry in delivery.entries {
            for change in entry.changes {
                guard let address = WebhookAddress(change, entryID: entry.id) else { continue }
                let owners = accounts.filter { address.isOwned(byPhoneNumber: $0.phoneNumberID, businessAccount: $0.wabaID) }
                if owners.isEmpty, !unowned.contains(address) { unowned.append(address) }
                for owner in owners where !accountIDs.contains(owner.accountID) { accountIDs.append(owner.accountID) }
            }
        }
    }
}
