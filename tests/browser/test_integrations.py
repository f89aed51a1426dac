"""Browser test of the Integrations page: connect a Shopify shop (a fake Admin API in this process, on loopback, which
the browser stage's server allows), test it, import its orders with progress, and see a signed webhook's outcome."""

import base64
import hashlib
import hmac
import http.server
import json
import threading
import urllib.request

from selenium.webdriver.common.by import By

from test_campaigns import wait

DOMAIN, TOKEN, SECRET = "browser-shop.myshopify.com", "shpat_browser", "browser-client-secret"


def shop_order(n):
    return {"id": 880000 + n, "name": f"#{n}", "email": f"b{n}@example.com", "phone": f"+1613556{n:04d}", "currency": "USD",
            "total_price": f"{n}.50", "financial_status": "paid", "created_at": "2026-11-30T10:00:00-05:00",
            "billing_address": {"country_code": "US"},
            "line_items": [{"id": n, "product_id": 4242, "title": "Mug", "quantity": 1, "price": f"{n}.50"}], "refunds": []}


class FakeShopify(http.server.BaseHTTPRequestHandler):
    orders = [shop_order(n) for n in range(1, 6)]

    def do_GET(self):
        if self.headers.get("X-Shopify-Access-Token") != TOKEN:
            return self.reply(401, {"errors": "[API] Invalid API key or access token"})
        if "/shop.json" in self.path:
            return self.reply(200, {"shop": {"name": "Browser Test Shop"}})
        if "/products/" in self.path:
            return self.reply(200, {"product": {"id": 4242, "product_type": "Kitchen"}})
        # Two orders a page, paged by the Link header with page_info.
        offset = int(self.path.split("page_info=")[1]) if "page_info=" in self.path else 0
        headers = {}
        if offset + 2 < len(self.orders):
            port = self.server.server_address[1]
            headers["Link"] = f'<http://127.0.0.1:{port}/admin/api/2025-01/orders.json?limit=2&page_info={offset + 2}>; rel="next"'
        return self.reply(200, {"orders": self.orders[offset:offset + 2]}, headers)

    def reply(self, status, body, headers=None):
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


def test_connect_a_shop_import_and_see_deliveries(logged_in, base_url):
    driver = logged_in
    shop = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeShopify)
    threading.Thread(target=shop.serve_forever, daemon=True).start()
    try:
        driver.get(base_url + "/integrations")
        wait(driver).until(lambda d: d.find_element(By.ID, "connect-form"))
        driver.find_element(By.ID, "int-name").send_keys("Browser shop")
        driver.find_element(By.ID, "int-domain").send_keys(DOMAIN)
        driver.find_element(By.ID, "int-token").send_keys(TOKEN)
        driver.find_element(By.ID, "int-webhook-secret").send_keys(SECRET)
        driver.find_element(By.ID, "int-base").send_keys(f"http://127.0.0.1:{shop.server_address[1]}")
        driver.find_element(By.ID, "connect-shop").click()
        notice = wait(driver).until(lambda d: d.find_element(By.ID, "integrations-notice"))
        assert "connected" in notice.text
        card = driver.find_element(By.CSS_SELECTOR, "section.integration")
        assert card.find_element(By.CSS_SELECTOR, ".webhook-url").text.endswith("/api/integrations/shopify/webhook")
        assert "refunds/create" in card.find_element(By.CSS_SELECTOR, ".topics").text
        assert TOKEN not in driver.page_source and SECRET not in driver.page_source

        card.find_element(By.CSS_SELECTOR, "button.test-connection").click()
        # The text is read inside the wait: the notice found may be the previous page's, gone stale as the form posts.
        assert wait(driver).until(lambda d: "Browser Test Shop" in d.find_element(By.ID, "integrations-notice").text)

        driver.find_element(By.CSS_SELECTOR, "tr.import[data-resource=orders] button.start-import").click()
        # The page refreshes itself (to /integrations) while the import runs; it ends done, with all five orders.
        wait(driver, 60).until(lambda d: "done" in d.find_element(By.CSS_SELECTOR, "tr.import[data-resource=orders] .status").text)
        row = driver.find_element(By.CSS_SELECTOR, "tr.import[data-resource=orders]")
        assert "3 of ? pages" in row.text or "3 of 3 pages" in row.text, row.text
        assert "5" in row.text

        body = json.dumps(shop_order(9)).encode()
        signature = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
        request = urllib.request.Request(base_url + "/api/integrations/shopify/webhook", data=body, method="POST", headers={
            "Content-Type": "application/json", "X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": DOMAIN,
            "X-Shopify-Webhook-Id": "browser-1", "X-Shopify-Hmac-Sha256": signature})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

        def applied(d):
            d.get(base_url + "/integrations")
            rows = d.find_elements(By.CSS_SELECTOR, "table.deliveries tr.delivery")
            return rows and "order_saved" in rows[0].text and "orders/create" in rows[0].text
        wait(driver, 20).until(applied)

        # Remove it again, so that other tests (and a second run) start from no connection.
        driver.find_element(By.CSS_SELECTOR, "button.remove-integration").click()
        driver.switch_to.alert.accept()
        # The text is read inside the wait: the notice found may be the previous page's, gone stale as the form posts.
        assert wait(driver).until(lambda d: "removed" in d.find_element(By.ID, "integrations-notice").text)
    finally:
        shop.shutdown()
