"""Browser tests of the campaign console: New campaign with template, variables, link, live
preview and pre-flight, saved as a draft, then its page.

The server gets a WhatsApp account whose API is a `herald simulator` started here (it serves the
demo templates spring_sale, back_in_stock and order_update), its templates synced, and a few
opted-in contacts, all through the JSON API with a console session.

Extra environment: HERALD_BIN (default .build/debug/herald) runs the simulator.
"""

import http.cookiejar
import json
import os
import pathlib
import re
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
PHONE_NUMBER_ID = "100000000000001"
WABA_ID = "200000000000001"
ACCESS_TOKEN = "browser-sim-token"
APP_SECRET = "browser-sim-secret"


class Console:
    """The JSON API with a console session: cookie plus the page's CSRF token."""

    def __init__(self, base_url, email, password):
        self.base = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(base_url + "/login").read().decode()
        token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"_csrf": token, "email": email, "password": password}).encode()
        contacts = self.opener.open(base_url + "/login", data=form).read().decode()
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', contacts).group(1)

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Accept": "application/json", "X-CSRF-Token": self.csrf}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request) as response:
                text = response.read().decode()
                return response.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read().decode() or "null")


def wait(driver, timeout=10):
    return WebDriverWait(
        driver,
        timeout,
        poll_frequency=0.25,
        ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
    )


def path_of(driver):
    return urllib.parse.urlparse(driver.current_url).path.rstrip("/") or "/"


def wait_for_path(driver, path, timeout=15):
    try:
        wait(driver, timeout).until(lambda d: path_of(d) == path)
    except TimeoutException:
        raise AssertionError(
            f"expected to be on {path} within {timeout}s, but the browser is at {driver.current_url}"
        ) from None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def simulator(base_url):
    binary = os.environ.get("HERALD_BIN", str(ROOT / ".build" / "debug" / "herald"))
    port = free_port()
    proc = subprocess.Popen(
        [binary, "simulator", "--port", str(port), "--webhook-url", base_url + "/webhooks/whatsapp",
         "--app-secret", APP_SECRET, "--access-token", ACCESS_TOKEN, "--link-base", base_url],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"herald simulator exited with status {proc.returncode}")
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("herald simulator did not listen within 30 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def whatsapp(base_url, credentials, simulator):
    """An account on the simulator with synced templates, and three opted-in contacts."""
    api = Console(base_url, *credentials)
    status, accounts = api.call("GET", "/api/whatsapp/accounts")
    assert status == 200, accounts
    existing = next((a for a in accounts["data"] if a["phone_number_id"] == PHONE_NUMBER_ID), None)
    if existing:  # a re-run against the same server: point the account at this simulator
        status, account = api.call("PATCH", f"/api/whatsapp/accounts/{existing['id']}", {
            "api_base_url": simulator, "access_token": ACCESS_TOKEN, "app_secret": APP_SECRET, "status": "active"})
    else:
        status, account = api.call("POST", "/api/whatsapp/accounts", {
            "name": "Browser test number", "phone_number_id": PHONE_NUMBER_ID, "waba_id": WABA_ID,
            "access_token": ACCESS_TOKEN, "app_secret": APP_SECRET, "verify_token": "browser-verify",
            "api_base_url": simulator, "messaging_tier": "TIER_10K"})
    assert status in (200, 201), account
    status, synced = api.call("POST", f"/api/whatsapp/accounts/{account['id']}/templates/sync")
    assert status == 200 and synced["synced"] >= 3, synced
    token = secrets.randbelow(10_000)
    for index in range(3):
        status, body = api.call("POST", "/api/contacts", {
            "phone": f"+4477009{token:04d}{index}", "name": f"Campaign Person {token}-{index}",
            "consent": {"status": "opted_in", "source": "browser test"}})
        assert status in (200, 201, 409), body
    return account


def text_of(driver, css):
    # The page script re-renders these nodes; Chromium may report a node that just left the document
    # as an inspector error rather than a stale element, so read again briefly before giving up.
    for _ in range(10):
        try:
            return driver.find_element(By.CSS_SELECTOR, css).text
        except WebDriverException:
            time.sleep(0.1)
    return driver.find_element(By.CSS_SELECTOR, css).text


def choose_template(driver, name):
    select = Select(driver.find_element(By.CSS_SELECTOR, "select#c-template"))
    labels = [o.text for o in select.options]
    match = next((label for label in labels if label.startswith(name + " ")), None)
    assert match, f"template {name} is not offered; options: {labels}"
    select.select_by_visible_text(match)


def variable_row(driver, key):
    return driver.find_element(By.CSS_SELECTOR, f'#var-rows .var-row[data-key="{key}"]')


def test_new_campaign_with_preview_and_preflight_saved_as_draft(logged_in, base_url, whatsapp):
    driver = logged_in
    driver.find_element(By.CSS_SELECTOR, 'nav#main-nav a[href="/campaigns"]').click()
    wait_for_path(driver, "/campaigns")
    driver.find_element(By.CSS_SELECTOR, "a#new-campaign").click()
    wait_for_path(driver, "/campaigns/new")

    name = f"Spring browser {secrets.token_hex(3)}"
    driver.find_element(By.CSS_SELECTOR, "input#c-name").send_keys(name)
    choose_template(driver, "spring_sale")

    # One mapping row per body variable: {{1}} from the first name, {{2}} a fixed text.
    try:
        wait(driver, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#var-rows .var-row")) == 2)
    except TimeoutException:
        raise AssertionError("spring_sale has two body variables, but the form shows "
                             f"{len(driver.find_elements(By.CSS_SELECTOR, '#var-rows .var-row'))} rows") from None
    first = variable_row(driver, "1")
    Select(first.find_element(By.CSS_SELECTOR, "select.var-source")).select_by_value("first_name")
    first.find_element(By.CSS_SELECTOR, "input.var-fallback").send_keys("there")
    second = variable_row(driver, "2")
    Select(second.find_element(By.CSS_SELECTOR, "select.var-source")).select_by_value("text")
    second.find_element(By.CSS_SELECTOR, "input.var-text").send_keys("20%")

    cta = driver.find_element(By.CSS_SELECTOR, "input#c-cta")
    assert cta.is_displayed(), "spring_sale has a link button, so the form asks for its URL"
    cta.send_keys("https://shop.example/spring?ref=wa")
    assert not driver.find_element(By.CSS_SELECTOR, "#media-field").is_displayed(), "spring_sale has no media header"

    expected = "Hi Alex, our spring sale is on: 20% off everything until Sunday."
    try:
        wait(driver, 10).until(lambda d: text_of(d, "#campaign-preview .wa-body") == expected)
    except TimeoutException:
        raise AssertionError(f"preview should read {expected!r}, it reads "
                             f"{text_of(driver, '#campaign-preview .wa-body')!r}") from None
    assert "Shop the sale" in text_of(driver, "#campaign-preview .wa-buttons")
    assert "Reply STOP" in text_of(driver, "#campaign-preview .wa-footer")

    try:
        wait(driver, 10).until(lambda d: int(text_of(d, "#pf-eligible")) >= 3)
    except TimeoutException:
        raise AssertionError(f"pre-flight should count the 3 opted-in contacts; panel: {text_of(driver, '#preflight')!r}") from None
    assert re.search(r"\d+\.\d+ [A-Z]{3}", text_of(driver, "#pf-cost")), text_of(driver, "#pf-cost")
    for css in ("#pf-opted-out", "#pf-no-consent", "#pf-unreachable"):
        assert text_of(driver, css).isdigit(), css

    driver.find_element(By.CSS_SELECTOR, "input#when-draft").click()
    driver.find_element(By.CSS_SELECTOR, "button#create-campaign").click()
    try:
        wait(driver, 15).until(lambda d: re.fullmatch(r"/campaigns/[0-9a-f-]{36}", path_of(d)))
    except TimeoutException:
        errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".field-error, #page-error")]
        raise AssertionError(f"saving did not open the campaign's page; at {driver.current_url}, errors {errors}") from None

    assert name in text_of(driver, "h1")
    assert text_of(driver, "#campaign-status") == "draft"
    assert "Draft saved" in text_of(driver, "#notice")
    assert driver.find_element(By.CSS_SELECTOR, "button#send-now").is_displayed()
    assert int(text_of(driver, "#pf-eligible")) >= 3
    assert "https://shop.example/spring?ref=wa" in driver.page_source

    driver.find_element(By.CSS_SELECTOR, "p.crumbs a").click()
    wait_for_path(driver, "/campaigns")
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "table#campaigns-table tbody tr")]
    assert any(name in r and "draft" in r for r in rows), rows


def test_campaign_form_fits_a_phone(logged_in, base_url, whatsapp):
    driver = logged_in
    driver.set_window_size(390, 844)
    for path in ("/campaigns/new", "/campaigns", "/settings/whatsapp", "/templates", "/media"):
        driver.get(base_url + path)
        wait_for_path(driver, path)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a 390px phone screen"


def test_media_upload_shows_refusals_and_lists_the_file(logged_in, base_url, tmp_path):
    driver = logged_in
    driver.get(base_url + "/templates")
    driver.find_element(By.CSS_SELECTOR, "a#tab-media").click()
    wait_for_path(driver, "/media")

    gif = tmp_path / "animation.gif"
    gif.write_bytes(b"GIF89a" + secrets.token_bytes(64))
    driver.find_element(By.CSS_SELECTOR, "input#media-file").send_keys(str(gif))
    driver.find_element(By.CSS_SELECTOR, "button#media-submit").click()
    try:
        wait(driver, 10).until(lambda d: "Upload refused" in text_of(d, "#media-status"))
    except TimeoutException:
        raise AssertionError(f"a GIF should be refused with the server's message; status: {text_of(driver, '#media-status')!r}") from None
    assert "JPEG or PNG" in text_of(driver, "#media-status")

    name = f"banner-{secrets.token_hex(3)}.png"
    png = tmp_path / name
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(256))
    driver.find_element(By.CSS_SELECTOR, "input#media-file").send_keys(str(png))
    driver.find_element(By.CSS_SELECTOR, "button#media-submit").click()
    try:
        wait(driver, 15).until(lambda d: name in text_of(d, "table#media-table"))
    except TimeoutException:
        raise AssertionError(f"{name} is not listed after uploading; status: {text_of(driver, '#media-status')!r}") from None
    row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "table#media-table tbody tr") if name in r.text)
    assert "image" in row.text
    assert row.find_element(By.CSS_SELECTOR, "a").get_attribute("href").endswith("/" + name)
