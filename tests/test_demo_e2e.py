"""The demo in a real headless Chromium (Debian's /usr/bin/chromium, driven
by Playwright; never a downloaded browser), against a real server started
with ``python -m demo`` (run_simple) on a free loopback port.

Each walk runs at 1280 px and at 390 px (a phone): every page must fit the
screen without sideways scrolling, and the header must be as tall logged in
as logged out. The walks write the demo's screenshots into docs/, which the
README shows, so those always picture the pages as they are.

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
    """A fresh browser profile (ask for ``server`` before ``page``, so the
    browser is closed before the server stops: a late favicon load then is
    cancelled instead of refused). Fails the test if a stylesheet or image does
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


#: Screenshots go into docs/ (README and docs link them), so they always
#: show the pages as they are.
DOCS = ROOT / "docs"
WIDTHS = (1280, 390)
PAGES_LOGGED_IN = (
    "/stocks/",
    "/stocks/add",
    "/stocks/import",
    "/account/",
    "/account/logout-everywhere",
    "/auth/logout",
    "/no/such/page",
)
PAGES_LOGGED_OUT = ("/", "/auth/login", "/auth/register", "/no/such/page")


def fits(page: Page, width: int) -> None:
    """The page is no wider than the screen: no sideways scrolling."""
    page.wait_for_load_state()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width} px wide at {width} px"


def header_height(page: Page) -> float:
    box = page.locator(".site-header").bounding_box()
    assert box is not None
    return float(box["height"])


def inside(page: Page, inner: str, outer: str) -> None:
    """Every element matching ``inner`` lies within the one matching ``outer``."""
    container = page.locator(outer).bounding_box()
    assert container is not None
    elements = page.locator(inner).all()
    assert elements
    for element in elements:
        box = element.bounding_box()
        assert box is not None, f"{inner} is not displayed"
        assert box["x"] >= container["x"] - 0.5, inner
        assert box["x"] + box["width"] <= container["x"] + container["width"] + 0.5


@pytest.mark.parametrize("width", WIDTHS)
def test_register_add_merge_edit_delete_import_logout(
    server: str, page: Page, tmp_path: Path, width: int
) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 900})
    email = f"e2e{width}@example.com"

    page.goto(server + "/")
    fits(page, width)
    expect(page.locator(".brand img")).to_have_attribute("src", "/static/logo.svg")
    logged_out_header = header_height(page)

    # Registering signs the new user straight in.
    page.get_by_role("link", name="Create an account").click()
    fits(page, width)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_url(server + "/stocks/")
    expect(flash(page, "success")).to_have_text(
        f"Welcome to Minfolio, {email}: your account is ready and you are logged in."
    )
    expect(page.get_by_text("No holdings yet.")).to_be_visible()
    fits(page, width)
    # The header is as tall logged in as logged out, and its items look alike.
    assert header_height(page) == logged_out_header
    decorations = page.locator("nav a, nav button").evaluate_all(
        "els => els.map(e => getComputedStyle(e).textDecorationLine)"
    )
    assert decorations == ["none"] * 4

    # Flash categories look different: the stylesheet loaded and applies.
    success_bg = flash(page, "success").evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert success_bg not in ("", "rgba(0, 0, 0, 0)")

    # Add a holding; a bad value first shows the field's error.
    page.get_by_role("link", name="Add a holding").click()
    fits(page, width)
    # The main button and Cancel are clearly apart.
    add_box = page.get_by_role("button", name="Add holding").bounding_box()
    cancel_box = page.get_by_role("link", name="Cancel").bounding_box()
    assert add_box is not None and cancel_box is not None
    assert cancel_box["x"] - (add_box["x"] + add_box["width"]) >= 11
    page.get_by_label("Symbol").fill("aapl")
    page.get_by_label("Shares").fill("")
    page.get_by_label("Purchase price per share").fill("150.25")
    page.get_by_role("button", name="Add holding").click()
    expect(page.locator(".field-error")).to_have_text(
        "Enter a number, like 12 or 12.50."
    )
    fits(page, width)
    page.get_by_label("Shares").fill("1")
    page.get_by_role("button", name="Add holding").click()
    expect(page).to_have_url(server + "/stocks/")
    expect(flash(page, "success")).to_have_text("Added 1 share of AAPL.")

    # The same symbol again is merged into the holding, and we are told.
    page.get_by_role("link", name="Add a holding").click()
    page.get_by_label("Symbol").fill("AAPL")
    page.get_by_label("Shares").fill("9")
    page.get_by_label("Purchase price per share").fill("150.25")
    page.get_by_role("button", name="Add holding").click()
    expect(flash(page, "success")).to_have_text(
        "Added 9 shares of AAPL to the 1 you already had: now 10 shares at an"
        " average purchase price of 150.25 (weighted by cost)."
    )
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("td.total")).to_have_text("1,502.50")

    # Edit it.
    page.get_by_role("link", name="Edit AAPL").click()
    fits(page, width)
    expect(page.get_by_label("Shares")).to_have_value("10")
    page.get_by_label("Shares").fill("12")
    page.get_by_role("button", name="Save changes").click()
    expect(flash(page, "success")).to_have_text("Updated AAPL.")
    expect(page.locator("td.total")).to_have_text("1,803.00")

    # Import: one bad row imports nothing; a semicolon file with a symbol
    # already held imports, merging that one.
    bad = tmp_path / "bad.csv"
    bad.write_text("symbol,shares,purchase_price\nMSFT,4,310.10\nVTI,x,1\n")
    commas = tmp_path / "decimal commas.csv"
    commas.write_text("symbol;shares;purchase_price\nMSFT;4;310,10\n")
    good = tmp_path / "more holdings.csv"
    good.write_text(
        "symbol;shares;purchase_price\nMSFT;4;310.10\nVTI;12.5;201.40\nAAPL;3;150\n"
    )
    page.get_by_role("link", name="Import", exact=True).click()
    fits(page, width)
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(flash(page, "error")).to_have_text(
        "Row 3: shares: Enter a number, like 12 or 12.50."
    )
    error_bg = flash(page, "error").evaluate("e => getComputedStyle(e).backgroundColor")
    assert error_bg != success_bg
    expect(flash(page, "warning")).to_contain_text("Nothing was imported from bad.csv")
    fits(page, width)
    page.get_by_label("CSV file").set_input_files(str(commas))
    page.get_by_role("button", name="Import").click()
    expect(flash(page, "error")).to_have_text(
        "Row 2: purchase price: Write the number without commas, like 1500 or 12.50."
    )
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(server + "/stocks/")
    expect(flash(page, "success")).to_have_text(
        "Imported 3 rows from more_holdings.csv: 2 new holdings; the shares of AAPL"
        " were added to the holding of the same symbol, at the purchase price"
        " averaged by cost."
    )
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page.locator("td.total")).to_have_text("6,010.90")
    fits(page, width)
    # Every holding, its numbers and its actions stay inside the card.
    inside(page, ".holdings tbody td, .holdings tbody th, .row-actions a", ".card")
    inside(page, ".holdings td.total", ".card")

    # Delete asks first: "Keep it" keeps it, confirming deletes it.
    page.get_by_role("link", name="Delete VTI").click()
    expect(page.get_by_role("heading", name="Delete VTI?")).to_be_visible()
    fits(page, width)
    if width == 390:
        page.screenshot(path=str(DOCS / "demo-delete-390.png"))
    page.get_by_role("link", name="Keep it").click()
    expect(page.locator("tbody tr")).to_have_count(3)
    page.get_by_role("link", name="Delete VTI").click()
    page.get_by_role("button", name="Delete VTI").click()
    expect(flash(page, "info")).to_have_text("Deleted 12.5 shares of VTI.")
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("td.total")).to_have_text("3,493.40")
    page.goto(server + "/stocks/")  # the list as a returning user sees it
    fits(page, width)
    page.screenshot(path=str(DOCS / f"demo-holdings-{width}.png"), full_page=True)

    # Log out, then a protected page says why it sends us to log in, and back.
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(server + "/")
    expect(flash(page, "info")).to_have_text("You have logged out.")
    page.goto(server + "/stocks/import")
    expect(page).to_have_url(re.compile(r"/auth/login\?next=/stocks/import$"))
    expect(flash(page, "info")).to_have_text("Log in to see your holdings.")
    fits(page, width)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(server + "/stocks/import")

    # The rest of the site fits the screen too, logged in and out.
    page.goto(server + "/stocks/")
    own = page.locator(".row-actions a").evaluate_all("els => els.map(e => e.href)")
    assert len(own) == 4  # Edit and Delete of AAPL and MSFT
    for url in [*own, *(server + path for path in PAGES_LOGGED_IN)]:
        page.goto(url)
        fits(page, width)
    page.goto(server + "/auth/logout")
    page.get_by_role("main").get_by_role("button", name="Log out").click()
    expect(flash(page, "info")).to_have_text("You have logged out.")
    for path in PAGES_LOGGED_OUT:
        page.goto(server + path)
        fits(page, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_log_out_everywhere_asks_then_tells_the_other_browser_why(
    browser: Browser, server: str, page: Page, width: int
) -> None:
    from playwright.sync_api import expect

    def log_in(p: Page) -> None:
        p.goto(server + "/auth/login")
        p.get_by_label("Email").fill(db.SAMPLE_EMAIL)
        p.get_by_label("Password").fill(db.SAMPLE_PASSWORD)
        p.get_by_role("button", name="Log in").click()
        expect(p).to_have_url(server + "/stocks/")

    page.set_viewport_size({"width": width, "height": 900})
    other_context = browser.new_context(
        user_agent=(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
            " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
        )
    )
    other = other_context.new_page()
    try:
        log_in(other)
        log_in(page)
        expect(page.locator("tbody tr")).to_have_count(3)  # the sample holdings
        fits(page, width)
        page.get_by_role("link", name="Account").click()
        fits(page, width)
        expect(page.locator(".signins li")).to_have_count(2)
        this = page.locator(".signins li", has=page.locator(".badge"))
        expect(this.locator(".device")).to_have_text("Chrome on Linux")
        expect(this.locator(".badge")).to_have_text("this device")
        expect(this.locator(".when")).to_contain_text("in use now")
        expect(page.locator(".signins li").nth(0)).to_contain_text("this device")
        expect(page.locator(".signins li").nth(1)).to_contain_text("Safari on iPhone")

        # The first click only asks; Cancel changes nothing.
        page.get_by_role("link", name="Log out everywhere").click()
        expect(page.get_by_role("heading", name="Log out everywhere?")).to_be_visible()
        fits(page, width)
        if width == 390:  # a page without times, so the picture only changes with it
            page.screenshot(path=str(DOCS / "demo-logout-everywhere-390.png"))
        page.get_by_role("link", name="Cancel").click()
        expect(page).to_have_url(server + "/account/")
        other.reload()
        expect(other).to_have_url(server + "/stocks/")

        page.get_by_role("link", name="Log out everywhere").click()
        page.get_by_role("button", name="Log out everywhere").click()
        expect(page).to_have_url(server + "/auth/login")
        expect(flash(page, "success")).to_have_text(
            "Logged out everywhere: 2 sessions ended."
        )
        other.reload()
        expect(other).to_have_url(re.compile(r"/auth/login\?next=/stocks/$"))
        expect(flash(other, "warning")).to_have_text(
            "Your session was ended from another device. Log in again."
        )
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
