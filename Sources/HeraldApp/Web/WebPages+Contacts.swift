import Foundation
import Hummingbird
import SQLKit

extension WebPages {
    @Sendable func contacts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        let query = FormData.query(request)
        let search = query["q"] ?? ""
        let cursor = query["cursor"]
        let page: ContactPage
        do {
            page = try await services.contacts.list(workspaceID: access.workspaceID, search: search, limit: 50, cursor: cursor)
        } catch let error as APIError where error.code == "invalid_cursor" {
            return .redirect(to: "/contacts")
        }
        let rows = page.data.map(Self.row)
        var values: [String: Any] = ["contacts": rows, "hasContacts": !rows.isEmpty, "q": search]
        if query["fragment"] == "rows" {
            let html = console.assets.library.render(values, withTemplate: "contact-rows") ?? ""
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        values["total"] = try await services.contacts.count(workspaceID: access.workspaceID, search: search)
        if let next = page.nextCursor {
            var query = URLComponents()
            query.queryItems = [URLQueryItem(name: "cursor", value: next)] + (search.isEmpty ? [] : [URLQueryItem(name: "q", value: search)])
            values["nextURL"] = "/contacts?" + (query.percentEncodedQuery ?? "")
        }
        values["exportURL"] = "/api/contacts/export" + (search.isEmpty ? "" : "?q=" + (search.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        return console.render("contacts", title: "Contacts", path: "/contacts", access: access, values: values)
    }

    /// A contact as the list shows it. Identifiers that are absent are left out (never "" or null), so the templates test for them;
    /// the BSUID is shown only for a contact without a phone, as it is then the address its messages go to.
    static func row(_ contact: Contact) -> [String: Any] {
        var row: [String: Any] = [
            "id": contact.id.uuidString.lowercased(), "name": contact.name ?? "(no name)", "email": contact.email ?? "",
            "country": contact.country ?? "", "tags": contact.tags, "hasPhone": contact.phone != nil,
            "consent": contact.consent.status.rawValue.replacingOccurrences(of: "_", with: " "), "consentClass": contact.consent.status.rawValue,
        ]
        row["phone"] = contact.phone
        row["username"] = contact.username.map { "@" + $0 }
        if contact.phone == nil, let bsuid = contact.bsuid { row["recipient"] = ["full": bsuid, "short": shortBSUID(bsuid)] }
        return row
    }

    /// `US.13491208655302741918` → `US.1349…1918`: enough to tell contacts apart in a table; the page shows the whole ID.
    static func shortBSUID(_ bsuid: String) -> String {
        bsuid.count <= 14 ? bsuid : bsuid.prefix(7) + "…" + bsuid.suffix(4)
    }

    @Sendable func contact(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.notFound) }
        let contact: Contact
        do { contact = try await services.contacts.get(workspaceID: access.workspaceID, id: id) } catch let error as APIError where error.status == .notFound {
            throw HTTPError(.notFound)
        }
        let orders = try await services.orders.list(workspaceID: access.workspaceID, contactID: id, limit: 20, after: nil).orders
        let workspaceID = access.workspaceID
        // The journey's "Show older" link carries a cursor; one this page did not write starts from the newest again.
        let before = FormData.query(request)["before"].flatMap(JourneyCursor.init)
        let journey = try await JourneyStore(database: services.database).page(workspaceID: workspaceID, contactID: id, before: before, limit: 50)
        var values = Self.row(contact)
        values["label"] = contact.displayLabel
        values["bsuid"] = contact.bsuid
        values["parentBSUID"] = contact.parentBSUID
        values["language"] = contact.language ?? ""
        values["city"] = contact.city ?? ""
        values["consentSource"] = contact.consent.source ?? ""
        values["consentAt"] = contact.consent.at.map(Self.display) ?? ""
        values["createdAt"] = Self.display(contact.createdAt)
        values["attributes"] = contact.attributes.keys.sorted().map { ["key": $0, "value": Self.text(contact.attributes[$0]!)] }
        values["hasAttributes"] = !contact.attributes.isEmpty
        values["orders"] = orders.map {
            ["externalID": $0.externalID, "total": Self.money($0.totalMinor, $0.currency), "status": $0.status, "at": Self.display($0.orderedAt), "items": $0.lines.count] as [String: Any]
        }
        values["hasOrders"] = !orders.isEmpty
        if let journey { values.merge(JourneyPageModel(page: journey, contactID: id).values) { $1 } }
        values["journeyContinued"] = before != nil
        values.merge(try await segmentMembershipValues(workspaceID: workspaceID, contactID: id)) { $1 }
        return console.render("contact", title: contact.displayLabel, path: "/contacts", access: access, values: values)
    }

    /// The saved segments the contact is in (as of each one's last refresh or snapshot) and when it entered or left them.
    func segmentMembershipValues(workspaceID: UUID, contactID: UUID) async throws -> [String: Any] {
        let (current, history) = try await services.segments.store.memberships(workspaceID: workspaceID, contactID: contactID, limit: 30)
        return [
            "segments": current.map {
                ["id": $0.segment_id.uuidString.lowercased(), "name": $0.name, "kind": $0.kind, "since": Self.display($0.since)]
            },
            "hasSegments": !current.isEmpty,
            "segmentHistory": history.map {
                ["id": $0.segment_id.uuidString.lowercased(), "name": $0.name, "change": $0.change, "at": Self.display($0.at)]
            },
            "hasSegmentHistory": !history.isEmpty,
        ]
    }

    static func display(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space, timeZone: .gmt).year().month().day().time(includingFractionalSeconds: false)) + " UTC"
    }

    static func money(_ minor: Int64, _ currency: String) -> String {
        let digits = ["JPY": 0, "KRW": 0, "BHD": 3, "KWD": 3, "OMR": 3][currency] ?? 2
        let divisor = pow(10.0, Double(digits))
        return String(format: "%.\(digits)f %@", Double(minor) / divisor, currency)
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): s
        case .array(let items): items.map(text).joined(separator: ", ")
        default: value.jsonText
        }
    }
}
