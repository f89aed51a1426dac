"""Fixtures for Herald's browser tests (headless Chromium through selenium).

Environment:
  HERALD_BASE_URL        server under test, e.g. http://127.0.0.1:8080
  HERALD_TEST_EMAIL      an owner user's email
  HERALD_TEST_PASSWORD   that user's password
  HERALD_ARTIFACTS_DIR   where a failing test leaves <test>.png (default test-artifacts)
"""

import os
import pathlib
import re
from urllib.parse import urlparse

import pytest
from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def artifacts_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("HERALD_ARTIFACTS_DIR", "test-artifacts")).resolve()


def wait(driver, timeout=10):
    """A WebDriverWait that tolerates elements vanishing during page loads."""
    return WebDriverWait(
        driver,
        timeout,
        poll_frequency=0.25,
        ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
    )


def path_of(driver) -> str:
    return urlparse(driver.current_url).path


def wait_for_path(driver, path, timeout=15):
    try:
        wait(driver, timeout).until(lambda d: path_of(d).rstrip("/") == path.rstrip("/"))
    except Exception:
        raise AssertionError(
            f"expected to be on {path} within {timeout}s, but the browser is at {driver.current_url}"
        ) from None


@pytest.fixture(scope="session")
def base_url() -> str:
    return os.environ.get("HERALD_BASE_URL", "http://127.0.0.1:8080").rstrip("/")


@pytest.fixture(scope="session")
def credentials():
    email = os.environ.get("HERALD_TEST_EMAIL")
    password = os.environ.get("HERALD_TEST_PASSWORD")
    if not email or not password:
        pytest.fail("HERALD_TEST_EMAIL and HERALD_TEST_PASSWORD must be set")
    return email, password


@pytest.fixture
def driver(request):
    opts = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ):
        opts.add_argument(arg)
    opts.binary_location = CHROMIUM
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    drv.set_page_load_timeout(30)
    # Remembered on the test item so the failure hook finds it even when the
    # test only asked for a fixture built on this one (e.g. logged_in).
    request.node._herald_driver = drv
    yield drv
    drv.quit()


@pytest.fixture
def login(driver, base_url):
    """Returns a function that fills and submits the /login form."""

    def do_login(email, password):
        driver.get(base_url + "/login")
        wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "input#email"))
        email_box = driver.find_element(By.CSS_SELECTOR, "input#email")
        email_box.clear()
        email_box.send_keys(email)
        password_box = driver.find_element(By.CSS_SELECTOR, "input#password")
        password_box.clear()
        password_box.send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "button#login-submit").click()

    return do_login


@pytest.fixture
def logged_in(driver, login, credentials):
    login(*credentials)
    wait_for_path(driver, "/contacts")
    return driver


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed or report.when not in ("setup", "call"):
        return
    drv = getattr(item, "_herald_driver", None)
    if drv is None:
        return
    out = artifacts_dir()
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name)
    try:
        out.mkdir(parents=True, exist_ok=True)
        png = out / f"{name}.png"
        drv.save_screenshot(str(png))
        (out / f"{name}.html").write_text(
            f"<!-- {drv.current_url} -->\n{drv.page_source}", encoding="utf-8"
        )
        try:
            lines = [f"{e.get('level')} {e.get('message')}" for e in drv.get_log("browser")]
            if lines:
                (out / f"{name}.console.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        except Exception:
            pass
        report.sections.append(("herald artifacts", f"screenshot: {png} (page was {drv.current_url})"))
    except Exception as exc:  # never hide the real failure
        report.sections.append(("herald artifacts", f"could not save a screenshot: {exc!r}"))
