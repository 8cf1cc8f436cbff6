"""The demo in a real headless Chromium (Debian's /usr/bin/chromium, driven
by Playwright; never a downloaded browser), against a real server started
with ``python -m demo`` (run_simple) on a free loopback port.

Without the browser or Playwright these tests skip, except under CI=true,
where they fail: CI must run them.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import typing as t
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import demo
from demo import db

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(demo.__file__).resolve().parent.parent
PASSWORD = "e2e password 123"


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None if they can."""
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    reason = missing_browser()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; under CI=true the browser tests must run")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``python -m demo`` on a fresh instance folder; yields its base URL."""
    port = free_port()
    env = {**os.environ, demo.INSTANCE_PATH_ENV: str(tmp_path / "instance")}
    env.pop("WERKZEUG_RUN_MAIN", None)
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "demo", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/static/logo.svg", timeout=2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    output = (tmp_path / "server.log").read_text()
                    pytest.fail(f"the demo server did not start:\n{output}")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser profile. Fails the test if a stylesheet or image does
    not load or the page logs an error such as a CSP violation (pages
    answered 4xx on purpose log "Failed to load resource": those are fine)."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    # Loads cut off in transit: the dev server closing an idle keep-alive
    # connection just as the browser reuses it. Each is fetched again at the
    # end and must load then; a server that cannot serve it still fails.
    interrupted: list[str] = []

    def on_console(message: t.Any) -> None:
        if message.type == "error" and not message.text.startswith(
            "Failed to load resource"
        ):
            problems.append(message.text)

    def on_response(response: t.Any) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    def on_failed(request: t.Any) -> None:
        # A click that navigates away cancels the old page's pending loads
        # (net::ERR_ABORTED); that is the browser's doing, not the server's.
        failure = request.failure or ""
        if "ERR_CONNECTION_RESET" in failure or "ERR_EMPTY_RESPONSE" in failure:
            interrupted.append(request.url)
        elif "ERR_ABORTED" not in failure:
            problems.append(f"failed {request.url}: {failure}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    yield page
    for url in interrupted:
        status = context.request.get(url).status
        if status != 200:
            problems.append(f"{status} {url} (fetched again after a reset)")
    context.close()
    assert problems == []


def flash(page: Page, category: str) -> t.Any:
    return page.locator(f".flash-{category}")


def test_register_login_add_edit_import_logout(
    page: Page, server: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    # Register, then log in with the email filled in for us.
    page.goto(server + "/")
    expect(page.locator(".brand img")).to_have_attribute("src", "/static/logo.svg")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill("e2e@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(r"/auth/login\?email="))
    expect(flash(page, "success")).to_have_text(
        "Account created. Log in to start your portfolio."
    )
    expect(page.get_by_label("Email")).to_have_value("e2e@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(server + "/stocks/")
    expect(flash(page, "success")).to_have_text("Welcome, e2e@example.com.")
    expect(page.get_by_text("No holdings yet.")).to_be_visible()

    # Flash categories look different: the stylesheet loaded and applies.
    success_bg = flash(page, "success").evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert success_bg not in ("", "rgba(0, 0, 0, 0)")

    # Add a holding; a bad value first shows the field's error.
    page.get_by_role("link", name="Add a holding").click()
    page.get_by_label("Symbol").fill("aapl")
    page.get_by_label("Shares").fill("0")
    page.get_by_label("Purchase price per share").fill("150.25")
    page.get_by_role("button", name="Add holding").click()
    expect(page.locator(".field-error")).to_have_text("Enter a number more than zero.")
    page.get_by_label("Shares").fill("10")
    page.get_by_role("button", name="Add holding").click()
    expect(page).to_have_url(server + "/stocks/")
    expect(flash(page, "success")).to_have_text("Added 10 shares of AAPL.")
    expect(page.locator("td.total")).to_have_text("1,502.50")

    # Edit it.
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Shares")).to_have_value("10")
    page.get_by_label("Shares").fill("12")
    page.get_by_role("button", name="Save changes").click()
    expect(flash(page, "success")).to_have_text("Updated AAPL.")
    expect(page.locator("td.total")).to_have_text("1,803.00")

    # Import a CSV file: one bad row imports nothing, a good file imports all.
    bad = tmp_path / "bad.csv"
    bad.write_text("symbol,shares,purchase_price\nMSFT,4,310.10\nVTI,x,1\n")
    good = tmp_path / "more holdings.csv"
    good.write_text("symbol,shares,purchase_price\nMSFT,4,310.10\nVTI,12.5,201.40\n")
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(flash(page, "error")).to_have_text(
        "Row 3: shares: Enter a number, like 12 or 12.50."
    )
    error_bg = flash(page, "error").evaluate("e => getComputedStyle(e).backgroundColor")
    assert error_bg != success_bg
    expect(flash(page, "warning")).to_contain_text("Nothing was imported from bad.csv")
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(server + "/stocks/")
    expect(flash(page, "success")).to_have_text(
        "Imported 2 holdings from more_holdings.csv."
    )
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page.locator("td.total")).to_have_text("5,560.90")

    # Log out, then a protected page sends us to the login page and back.
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(server + "/")
    expect(flash(page, "info")).to_have_text("You have logged out.")
    page.goto(server + "/stocks/import")
    expect(page).to_have_url(re.compile(r"/auth/login\?next=/stocks/import$"))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Email").fill("e2e@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(server + "/stocks/import")


def test_log_out_everywhere_ends_the_other_browsers_session(
    browser: Browser, page: Page, server: str
) -> None:
    from playwright.sync_api import expect

    def log_in(p: Page) -> None:
        p.goto(server + "/auth/login")
        p.get_by_label("Email").fill(db.SAMPLE_EMAIL)
        p.get_by_label("Password").fill(db.SAMPLE_PASSWORD)
        p.get_by_role("button", name="Log in").click()
        expect(p).to_have_url(server + "/stocks/")

    other_context = browser.new_context()
    other = other_context.new_page()
    try:
        log_in(other)
        log_in(page)
        expect(page.locator("tbody tr")).to_have_count(3)  # the sample holdings
        page.get_by_role("link", name=db.SAMPLE_EMAIL).click()
        expect(page.locator(".signins li")).to_have_count(2)
        expect(page.locator(".badge")).to_have_text("this browser")
        page.get_by_role("button", name="Log out everywhere").click()
        expect(page).to_have_url(server + "/auth/login")
        expect(flash(page, "success")).to_have_text(
            "Logged out everywhere: 2 sessions ended."
        )
        other.reload()
        expect(other).to_have_url(re.compile(r"/auth/login\?next=/stocks/$"))
    finally:
        other_context.close()


def test_missing_browser_names_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", "/nonexistent/chromium")
    assert (
        missing_browser()
        == "/nonexistent/chromium not found (apt-get install chromium)"
    )
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", sys.executable)
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    assert missing_browser() == (
        "Playwright for Python is not installed (pip install playwright)"
    )
