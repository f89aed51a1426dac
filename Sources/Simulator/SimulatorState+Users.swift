import Foundation

/// Users writing to the business and changing number: inbound and `system` messages.
extension SimulatorState {
    /// How the control API names a user: by phone (digits) or by BSUID.
    enum UserReference: Sendable {
        case phone(String)
        case bsuid(String)
    }

    func user(_ reference: UserReference) -> SimulatedUser {
        switch reference {
        case .phone(let phone): users.user(phone: phone)
        case .bsuid(let bsuid): users.user(bsuid: bsuid)
        }
    }

    /// A user writes to the business: a `messages` webhook now, and the 24 h window opens. A username
    /// (given here or drawn from the seed) makes the user withhold their phone unless the business sent to it.
    func receive(from reference: UserReference, text: String, name: String? = nil, username: String? = nil) -> String {
        var user = user(reference)
        if let username { user = users.setUsername(username, of: user) }
        let id = ids.next(for: user.phone ?? user.bsuid)
        let now = Date().timeIntervalSince1970
        let phone = users.sharesPhone(user) ? user.phone : nil
        let message = InboundMessage(from: phone, fromUserId: user.bsuid, id: id, timestamp: String(Int(now)), type: "text", text: .init(body: text))
        lastInbound[user.bsuid] = now
        let contact = WebhookPayload.Contact(profile: .init(name: name ?? user.name, username: user.username), waId: phone, userId: user.bsuid)
        schedule(.inbound(message, contact: contact), after: 0)
        return id
    }

    /// The user changes number (`newPhone`) or only their BSUID changes (`nil`). The business hears
    /// `user_changed_number` with the new phone when it may see the user's phone, else `user_changed_user_id`;
    /// a system message has no `contacts`. Returns the system message's id.
    func changeNumber(of reference: UserReference, to newPhone: String?) -> String {
        let before = user(reference)
        let shared = users.sharesPhone(before)
        let after = users.change(before, toPhone: newPhone)
        if let last = lastInbound.removeValue(forKey: before.bsuid) { lastInbound[after.bsuid] = last }
        let system: InboundMessage.System
        if let newPhone, shared, let oldPhone = before.phone {
            system = .init(
                body: "User \(before.name) changed from \(oldPhone) to \(newPhone)",
                type: "user_changed_number",
                waId: newPhone,
                userId: after.bsuid,
                previousUserId: before.bsuid
            )
        } else {
            system = .init(
                body: "User \(before.name) changed from \(before.bsuid) to \(after.bsuid)",
                type: "user_changed_user_id",
                userId: after.bsuid,
                previousUserId: before.bsuid
            )
        }
        let id = ids.next(for: before.phone ?? before.bsuid)
        let message = InboundMessage(
            from: shared ? before.phone : nil,
            fromUserId: before.bsuid,
            id: id,
            timestamp: String(Int(Date().timeIntervalSince1970)),
            type: "system",
            system: system
        )
        schedule(.inbound(message, contact: nil), after: 0)
        return id
    }
}
