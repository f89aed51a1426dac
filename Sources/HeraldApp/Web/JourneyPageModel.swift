import Foundation

/// The contact page's journey section: one line per item with an icon, a label, an optional link and the time, plus
/// the "Show older" link carrying the next cursor. Icons are symbols common fonts have (no emoji, which many servers'
/// and older systems' fonts draw as empty boxes).
struct JourneyPageModel {
    struct Link {
        let href: String
        let text: String
    }

    struct Line {
        let kind: String
        let icon: String
        let label: String
        let link: Link?
        /// An order's attribution: "attributed to <campaign> (click)".
        let attribution: (link: Link, touch: String, reversed: Bool)?
        let detail: String?
        let at: String
    }

    let lines: [Line]
    let olderURL: String?

    init(page: JourneyPage, contactID: UUID) {
        lines = page.data.map(Self.line)
        olderURL = page.nextBefore.map {
            "/contacts/\(contactID.uuidString.lowercased())?before=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)#journey"
        }
    }

    var values: [String: Any] {
        var values: [String: Any] = [
            "journey": lines.map { line -> [String: Any] in
                var row: [String: Any] = ["kind": line.kind, "icon": line.icon, "label": line.label, "at": line.at]
                if let link = line.link { row["link"] = ["href": link.href, "text": link.text] }
                if let a = line.attribution {
                    row["attribution"] = ["href": a.link.href, "campaign": a.link.text, "touch": a.touch, "reversed": a.reversed]
                }
                if let detail = line.detail { row["detail"] = detail }
                return row
            },
            "hasJourney": !lines.isEmpty,
        ]
        if let olderURL { values["journeyOlderURL"] = olderURL }
        return values
    }

    static func campaignLink(_ campaign: JourneyItem.Reference?) -> Link? {
        campaign.map { Link(href: "/campaigns/\($0.id.uuidString.lowercased())", text: $0.name ?? "(deleted campaign)") }
    }

    static func line(_ item: JourneyItem) -> Line {
        let at = WebPages.display(item.at)
        let campaign = campaignLink(item.campaign)
        func line(_ icon: String, _ label: String, link: Link? = campaign, detail: String? = nil) -> Line {
            Line(kind: item.kind.rawValue, icon: icon, label: label, link: link, attribution: nil, detail: detail, at: at)
        }
        switch item.kind {
        case .message:
            let parts = [item.template.map { "template \($0)" }, item.variation.map { "variation \($0.name ?? "?")" }].compactMap { $0 }
            return line("✉", "Campaign message", detail: parts.isEmpty ? nil : parts.joined(separator: " · "))
        case .sent: return line("↗", "Sent")
        case .delivered: return line("✓", "Delivered")
        case .read: return line("✓✓", "Read")
        case .clicked: return line("☛", "Clicked the link")
        case .replied: return line("↩", "Replied")
        case .failed: return line("✕", "Failed", detail: item.errorCode.map { "error \($0)" })
        case .order:
            guard let order = item.order else { return line("◆", "Order", link: nil) }
            let label = "Order \(order.externalID) · \(WebPages.money(order.totalMinor, order.currency)) · \(order.status)"
            return Line(
                kind: item.kind.rawValue, icon: "◆", label: label, link: nil,
                attribution: order.attribution.flatMap { a in campaignLink(a.campaign).map { ($0, a.touch, a.reversedAt != nil) } },
                detail: order.attribution == nil ? "not attributed to a campaign" : nil, at: at
            )
        case .segment:
            let link = item.segment.map { Link(href: "/segments/\($0.id.uuidString.lowercased())", text: $0.name ?? "(deleted segment)") }
            return line(item.change == "left" ? "⇤" : "⇥", item.change == "left" ? "Left segment" : "Entered segment", link: link)
        case .consent:
            let status = (item.status ?? "unknown").replacingOccurrences(of: "_", with: " ")
            return line(item.status == "opted_out" ? "⊘" : "☑", "Consent: \(status)", link: nil, detail: item.source.map { "via \($0)" })
        case .identity:
            let identity = item.identity
            var parts: [String] = []
            if let phone = identity?.phone, phone != identity?.previousPhone { parts.append("phone \(identity?.previousPhone ?? "—") → \(phone)") }
            if let bsuid = identity?.bsuid, bsuid != identity?.previousBSUID { parts.append("user ID \(identity?.previousBSUID ?? "—") → \(bsuid)") }
            return line("⇄", "Identity: \(identity?.change ?? "change")", link: nil, detail: parts.isEmpty ? nil : parts.joined(separator: ", "))
        }
    }
}
