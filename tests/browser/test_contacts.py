"""Browser tests of Herald's web console: login, CSV import, list, search, detail, logout."""

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


# ---------------------------------------------------------------- logout


def test_logout_returns_to_login(logged_in, base_url):
    driver = logged_in
    driver.find_element(By.CSS_SELECTOR, "button#logout").click()
    wait_for_path(driver, "/login")
    assert driver.find_element(By.CSS_SELECTOR, "input#email")

    # The session is gone: the console sends us back to the login page.
    driver.get(base_url + "/contacts")
    wait_for_path(driver, "/login")
