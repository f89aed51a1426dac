import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import HeraldApp

@Suite("Attribution settings in the console")
struct WebConsoleAttributionTests {
    @Test("the settings page shows the attribution form; saving it changes the settings, and a bad window is refused on the page")
    func form() async throws {
        try await TestApp.with(.sqlite) { app in
            let (cookie, csrf) = try await WebConsoleTests.signIn(app)
            let headers: HTTPFields = [.cookie: cookie]
            let page = try await app.request(.get, "/settings", key: "", headers: headers)
            #expect(page.text.contains(#"action="/settings/attribution""#))
            #expect(page.text.contains(#"<option value="last_touch" selected>"#))
            #expect(page.text.contains(#"id="attr-click" name="click_window_hours" type="number" min="1" max="2160" value="168""#))
            let post = { (body: String) in
                try await app.request(.post, "/settings/attribution", body: body, contentType: "application/x-www-form-urlencoded", key: "", headers: headers)
            }
            #expect(try await post("model=first_touch&click_window_hours=72&read_window_hours=24").status == .forbidden, "no CSRF token")
            let saved = try await post("_csrf=\(csrf)&model=first_touch&click_window_hours=72&read_window_hours=24")
            #expect(saved.status == .ok)
            #expect(saved.text.contains("Attribution settings saved"), "\(saved.text)")
            #expect(saved.text.contains(#"<option value="first_touch" selected>"#))
            let api = try await app.request(.get, "/api/settings/attribution")
            #expect(api.json["model"].string == "first_touch")
            #expect(api.json["click_window_hours"].number == 72)
            let refused = try await post("_csrf=\(csrf)&model=last_touch&click_window_hours=0&read_window_hours=24")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("click_window_hours must be a whole number of hours from 1 to 2160"))
            #expect(try await app.request(.get, "/api/settings/attribution").json["model"].string == "first_touch", "nothing saved")
        }
    }
}
