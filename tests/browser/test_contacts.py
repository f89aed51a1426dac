"""Browser tests of Herald's web console: login, CSV import, list, search, detail, a contact known only by WhatsApp
username and user ID (list, search, detail, segment pages), logout."""

import secrets
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from test_campaigns import Console


def wait(driver, timeout=10):
    return WebDriverWait(
        driver,
        timeout,
        poll_frequency=0.25,
        ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
    )


def path_of(driver):
    return urlparse(driver.current_url).path.rstrip("/") or "/"


def wait_for_path(driver, path, timeout=15):
    try:
        wait(driver, timeout).until(lambda d: path_of(d) == path)
    except TimeoutException:
        raise AssertionError(
            f"expected to be on {path} within {timeout}s, but the browser is at {driver.current_url}"
        ) from None


def text_of(driver, css):
    return driver.find_element(By.CSS_SELECTOR, css).text


def table_rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "table#contacts-table tbody tr")


def row_texts(driver):
    return [row.text for row in table_rows(driver)]


def rows_contain_all(driver, names):
    texts = row_texts(driver)
    return all(any(name in t for t in texts) for name in names)


# ---------------------------------------------------------------- login


def test_wrong_password_shows_error_and_stays_on_login(driver, login, credentials):
    email, password = credentials
    login(email, password + "-wrong")

    def visible_error(d):
        for el in d.find_elements(
            By.CSS_SELECTOR, "#login-error, [role=alert], .error, .alert-error, .flash-error"
        ):
            if el.is_displayed() and el.text.strip():
                return el
        return False

    try:
        error = wait(driver, 10).until(visible_error)
    except TimeoutException:
        raise AssertionError(
            "no visible error message (#login-error / [role=alert] / .error) after a wrong password"
        ) from None
    assert error.text.strip()
    assert path_of(driver) == "/login", f"left the login page: {driver.current_url}"
    assert driver.find_element(By.CSS_SELECTOR, "input#password").is_displayed()


def test_login_lands_on_contacts(logged_in):
    driver = logged_in
    assert path_of(driver) == "/contacts"
    assert driver.find_element(By.CSS_SELECTOR, "input#import-file")
    assert driver.find_element(By.CSS_SELECTOR, "button#logout")


# ---------------------------------------------------------------- import flow


@pytest.fixture
def contacts_csv(tmp_path):
    token = secrets.token_hex(4)
    good = [
        ("+4915112345601", f"Greta Import {token}", f"greta.{token}@example.com", "browser"),
        ("+447911123456", f"Oliver Import {token}", f"oliver.{token}@example.com", "browser"),
        ("+14155552671", f"Maya Import {token}", f"maya.{token}@example.com", "browser"),
    ]
    bad = ("not-a-number", f"Broken Import {token}", f"broken.{token}@example.com", "browser")
    lines = ["phone,name,email,tags"] + [",".join(r) for r in good + [bad]]
    path = tmp_path / f"contacts-{token}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {
        "path": path,
        "names": [r[1] for r in good],
        "bad_name": bad[1],
    }


def test_csv_import_list_search_and_detail(logged_in, base_url, contacts_csv):
    driver = logged_in
    names = contacts_csv["names"]

    # Upload the CSV.
    driver.find_element(By.CSS_SELECTOR, "input#import-file").send_keys(str(contacts_csv["path"]))
    driver.find_element(By.CSS_SELECTOR, "button#import-submit").click()

    # Progress and status while the job runs, "Completed" at the end.
    try:
        wait(driver, 30).until(lambda d: "Completed" in text_of(d, "#import-status"))
    except TimeoutException:
        status = driver.find_elements(By.CSS_SELECTOR, "#import-status")
        raise AssertionError(
            "import did not reach 'Completed' within 30 s; #import-status is "
            + (repr(status[0].text) if status else "missing")
        ) from None

    progress = driver.find_element(By.CSS_SELECTOR, "progress#import-progress")

    def progress_full(d):
        value, maximum = d.execute_script(
            "const p = document.querySelector('progress#import-progress');"
            "return p ? [p.value, p.max] : [null, null];"
        )
        return value is not None and maximum and abs(float(value) - float(maximum)) < 1e-9

    try:
        wait(driver, 5).until(progress_full)
    except TimeoutException:
        raise AssertionError(
            "progress#import-progress is not full after completion: value="
            f"{progress.get_attribute('value')!r} max={progress.get_attribute('max')!r}"
        ) from None

    try:
        wait(driver, 5).until(
            lambda d: "3 imported" in text_of(d, "#import-summary")
            and "1 failed" in text_of(d, "#import-summary")
        )
    except TimeoutException:
        summary = driver.find_elements(By.CSS_SELECTOR, "#import-summary")
        raise AssertionError(
            "#import-summary should say '3 imported' and '1 failed', it says "
            + (repr(summary[0].text) if summary else "nothing (missing)")
        ) from None

    # The list shows the three good contacts (the page reloads it itself;
    # fall back to reloading /contacts after 20 s).
    try:
        wait(driver, 20).until(lambda d: rows_contain_all(d, names))
    except TimeoutException:
        driver.get(base_url + "/contacts")
        try:
            wait(driver, 15).until(lambda d: rows_contain_all(d, names))
        except TimeoutException:
            raise AssertionError(
                f"contacts {names} not all in table#contacts-table; rows: {row_texts(driver)}"
            ) from None
    assert not any(contacts_csv["bad_name"] in t for t in row_texts(driver)), (
        "the row with an invalid phone number was imported"
    )

    # Search narrows the list to one contact.
    target = names[1]
    search = driver.find_element(By.CSS_SELECTOR, "input#contact-search")
    search.clear()
    search.send_keys(target)
    search.send_keys(Keys.ENTER)
    try:
        wait(driver, 15).until(
            lambda d: path_of(d) == "/contacts"
            and parse_qs(urlparse(d.current_url).query).get("q") == [target]
        )
    except TimeoutException:
        raise AssertionError(
            f"searching did not load /contacts?q=...; the browser is at {driver.current_url}"
        ) from None
    try:
        wait(driver, 10).until(
            lambda d: len(table_rows(d)) == 1 and target in table_rows(d)[0].text
        )
    except TimeoutException:
        raise AssertionError(
            f"search for {target!r} should list only it; rows: {row_texts(driver)}"
        ) from None
    others = [n for n in names if n != target]
    assert not any(n in t for n in others for t in row_texts(driver))

    # Its detail page shows the name in the heading.
    link = table_rows(driver)[0].find_element(By.CSS_SELECTOR, "a.contact-link")
    list_url = driver.current_url
    link.click()
    try:
        wait(driver, 15).until(
            lambda d: d.current_url != list_url and target in text_of(d, "h1")
        )
    except TimeoutException:
        headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "h1")]
        raise AssertionError(
            f"detail page ({driver.current_url}) should have an h1 with {target!r}; h1s: {headings}"
        ) from None


# ---------------------------------------------------------------- a contact known only by WhatsApp username and user ID


@pytest.fixture
def username_contact(base_url, credentials):
    """A contact with a WhatsApp username and business-scoped user ID (BSUID) but no phone, made through the JSON API
    with a console session, unique to the run; tagged so a segment can hold just it."""
    token = secrets.token_hex(4)
    digits = str(secrets.randbelow(10**17)).rjust(17, "0")
    contact = {
        "bsuid": f"US.{digits}",
        "parent_bsuid": f"US.ENT.{digits}",
        "username": f"@Ana.{token}",
        "tags": [f"wa-{token}"],
    }
    api = Console(base_url, *credentials)
    status, body = api.call("POST", "/api/contacts", contact)
    assert status == 201, body
    assert body["phone"] is None and body["username"] == f"ana.{token}", body
    # The console shows the username as stored: lower case, after one "@".
    return {**contact, "api": api, "id": body["id"], "username": f"@ana.{token}", "token": token}


def test_username_contact_is_found_by_username_and_shows_its_user_id(logged_in, base_url, username_contact):
    driver = logged_in
    username, bsuid = username_contact["username"], username_contact["bsuid"]
    placeholder = driver.find_element(By.CSS_SELECTOR, "input#contact-search").get_attribute("placeholder")
    assert "@username" in placeholder, f"the search box does not say it finds usernames: {placeholder!r}"

    search = driver.find_element(By.CSS_SELECTOR, "input#contact-search")
    search.clear()
    search.send_keys(username)
    search.send_keys(Keys.ENTER)
    try:
        wait(driver, 15).until(
            lambda d: parse_qs(urlparse(d.current_url).query).get("q") == [username]
            and len(table_rows(d)) == 1
            and username in table_rows(d)[0].text
        )
    except TimeoutException:
        raise AssertionError(
            f"searching {username!r} should list only that contact; rows: {row_texts(driver)}"
        ) from None
    row = table_rows(driver)[0]
    cells = [td.text for td in row.find_elements(By.CSS_SELECTOR, "td")]
    assert cells[1] == "—", f"a contact without a phone shows a dash in the phone column: {cells}"
    short = row.find_element(By.CSS_SELECTOR, "td.whatsapp-id .bsuid")
    assert short.get_attribute("title") == bsuid, "the short user ID carries the whole one"
    assert short.text.startswith(bsuid[:7]) and short.text.endswith(bsuid[-4:]), short.text
    assert "null" not in row.text and "undefined" not in row.text, row.text

    row.find_element(By.CSS_SELECTOR, "a.contact-link").click()
    try:
        wait(driver, 15).until(lambda d: username in text_of(d, "h1"))
    except TimeoutException:
        raise AssertionError(
            f"the detail page ({driver.current_url}) should be headed {username!r}"
        ) from None
    assert text_of(driver, "#contact-bsuid") == bsuid
    assert text_of(driver, "#contact-parent-bsuid") == username_contact["parent_bsuid"]
    assert text_of(driver, "#contact-username") == username
    assert text_of(driver, "#contact-phone") == "Not shared"
    assert "user ID" in text_of(driver, "#contact-no-phone")


def test_segment_pages_label_a_contact_without_a_phone(logged_in, base_url, username_contact):
    driver = logged_in
    api, username = username_contact["api"], username_contact["username"]
    rules = {"combinator": "and", "not": False, "children": [
        {"field": "contact.username", "operator": "is_set"},
        {"field": "contact.tags", "operator": "contains", "value": username_contact["tags"][0]},
    ]}
    status, segment = api.call("POST", "/api/segments", {
        "name": f"Usernames {username_contact['token']}", "kind": "dynamic", "rules": rules})
    assert status == 201, segment
    driver.get(base_url + "/segments/" + segment["id"])

    def member_cells(d):
        rows = d.find_elements(By.CSS_SELECTOR, "table#members-table tbody tr")
        return [td.text for td in rows[0].find_elements(By.CSS_SELECTOR, "td")] if rows else []

    try:
        wait(driver, 15).until(lambda d: member_cells(d)[:2] == [username, username])
    except TimeoutException:
        raise AssertionError(
            f"the member list should name the contact {username!r}; first row: {member_cells(driver)}"
        ) from None
    try:
        wait(driver, 15).until(lambda d: username in text_of(d, "table#changes-table tbody"))
    except TimeoutException:
        raise AssertionError(
            f"the history should name the contact {username!r}; it shows {text_of(driver, 'table#changes-table tbody')!r}"
        ) from None
    history = driver.find_element(By.CSS_SELECTOR, "table#changes-table").text
    assert "undefined" not in history and "null" not in history, history


# ---------------------------------------------------------------- logout


def test_logout_returns_to_login(logged_in, base_url):
    driver = logged_in
    driver.find_element(By.CSS_SELECTOR, "button#logout").click()
    wait_for_path(driver, "/login")
    assert driver.find_element(By.CSS_SELECTOR, "input#email")

    # The session is gone: the console sends us back to the login page.
    driver.get(base_url + "/contacts")
    wait_for_path(driver, "/login")
