"""The inspector in a real headless Chromium, against the demo started with
``python -m demo --debug --inspect``. Writes the screenshots in
docs/inspector.md (docs/inspector-*.png), so they are always current: a
screenshot is rewritten when the page's layout (its elements and classes,
at that viewport) or the inspector's templates and static files changed,
and kept otherwise, so timings and ids alone do not churn the images.

Skips without the browser or Playwright, except under CI=true (see
tests/test_demo_e2e.py, whose browser fixture this uses).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import typing as t
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_demo_e2e import PASSWORD, ROOT, browser, free_port  # noqa: F401

import demo

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

DOCS = ROOT / "docs"
INSPECTOR = "/_minflask/inspector/"
#: Screenshot name -> the layout key it was taken at (see save_screenshot).
SHOTS_INDEX = DOCS / "inspector-screenshots.json"
INSPECTOR_FILES = ROOT / "minflask" / "inspector"


def layout_key(page: Page) -> str:
    """What a screenshot of ``page`` shows apart from its text and counts:
    the kinds of element (tag and classes) on it, the viewport, and the
    inspector's own templates, styles and scripts. How many rows or steps
    a run recorded (a browser's stray favicon request) does not count."""
    structure = page.evaluate(
        "() => Array.from(new Set(Array.from(document.querySelectorAll('body *'),"
        " e => e.tagName + '.' + (e.getAttribute('class') || '')))).sort().join(' ')"
    )
    digest = hashlib.sha256(f"{page.viewport_size}\n{structure}".encode())
    for file in sorted(INSPECTOR_FILES.rglob("*")):
        if file.suffix in (".html", ".css", ".js"):
            digest.update(file.read_bytes())
    return digest.hexdigest()


def save_screenshot(page: Page, name: str, **options: t.Any) -> None:
    """Take a screenshot of ``page``; write it to docs/``name`` only when
    its layout key differs from the one recorded for that file."""
    image = page.screenshot(**options)
    assert image.startswith(b"\x89PNG")
    key = layout_key(page)
    index = json.loads(SHOTS_INDEX.read_text("utf-8")) if SHOTS_INDEX.exists() else {}
    path = DOCS / name
    if index.get(name) == key and path.exists():
        return
    path.write_bytes(image)
    index[name] = key
    SHOTS_INDEX.write_text(json.dumps(index, indent=2, sort_keys=True) + "\n", "utf-8")


@pytest.fixture
def inspected_server(tmp_path: Path) -> Iterator[str]:
    """``python -m demo --debug --inspect`` (reloader and all) on a free port."""
    port = free_port()
    env = {**os.environ, demo.INSTANCE_PATH_ENV: str(tmp_path / "instance")}
    env.pop("WERKZEUG_RUN_MAIN", None)
    log_path = tmp_path / "server.log"
    log = log_path.open("w")
    args = ["--host", "127.0.0.1", "--port", str(port), "--debug", "--inspect"]
    process = subprocess.Popen(
        [sys.executable, "-m", "demo", *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # the reloader's child goes in the same group
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + INSPECTOR, timeout=2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"the demo did not start:\n{log_path.read_text()}")
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        log.close()


def open_page(browser: Browser, width: int, height: int) -> Page:  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def no_horizontal_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def test_inspector_shows_the_demo_requests(
    browser: Browser,  # noqa: F811
    inspected_server: str,
) -> None:
    from playwright.sync_api import expect

    base = inspected_server
    app_page = open_page(browser, 1280, 900)
    # Register, log in, add a holding: the requests the inspector should list.
    app_page.goto(base + "/auth/register")
    app_page.get_by_label("Email").fill("inspect@example.com")
    app_page.get_by_label("Password").fill(PASSWORD)
    app_page.get_by_role("button", name="Register").click()
    # Registering signs the new user in; forget that session so the
    # inspector also sees a login POST.
    expect(app_page).to_have_url(base + "/stocks/")
    app_page.context.clear_cookies()
    app_page.goto(base + "/auth/login")
    app_page.get_by_label("Email").fill("inspect@example.com")
    app_page.get_by_label("Password").fill(PASSWORD)
    app_page.get_by_role("button", name="Log in").click()
    expect(app_page).to_have_url(base + "/stocks/")
    app_page.get_by_role("link", name="Add a holding").click()
    app_page.get_by_label("Symbol").fill("aapl")
    app_page.get_by_label("Shares").fill("10")
    app_page.get_by_label("Purchase price per share").fill("150.25")
    app_page.get_by_role("button", name="Add holding").click()
    expect(app_page.get_by_text("AAPL").first).to_be_visible()

    # The list: the login POST and the holding's POST are there.
    page = open_page(browser, 1280, 900)
    page.goto(base + INSPECTOR)
    rows = page.locator("#requests tbody tr")
    expect(rows.filter(has_text="/auth/login").first).to_be_visible()
    login_row = rows.filter(has_text="POST").filter(has_text="/auth/login").first
    expect(login_row).to_contain_text("auth.login")
    expect(rows.filter(has_text="POST").filter(has_text="/stocks/")).not_to_have_count(
        0
    )
    # New requests appear without a reload.
    before = rows.count()
    app_page.goto(base + "/stocks/?from=inspector-test")
    expect(rows.filter(has_text="/stocks/").first).to_be_visible()
    expect(page.locator("#requests tbody tr.fresh").first).to_be_attached()
    assert rows.count() > before
    # Filters: by path, then by status.
    page.fill("#filter-path", "/auth/login")
    expect(rows.filter(has_text="/stocks/")).to_have_count(0)
    page.fill("#filter-path", "")
    page.select_option("#filter-status", "3")
    expect(rows.filter(has_text="GET").filter(has_text=" 200")).to_have_count(0)
    page.select_option("#filter-status", "")
    no_horizontal_scroll(page)
    save_screenshot(page, "inspector-list-1280.png")

    # One request: the login POST, its password masked.
    login_row.locator("a.path").click()
    expect(page).to_have_url(re.compile(r"/requests/\d+$"))
    expect(page.locator("body[data-ready]")).to_be_attached()
    form = page.locator("#panel-request")
    expect(form).to_contain_text("password")
    expect(form).not_to_contain_text(PASSWORD)
    expect(form).to_contain_text("•••••")
    expect(page.locator("#panel-request")).not_to_contain_text("session=ey")
    steps = page.locator("#waterfall .step")
    expect(steps.filter(has_text="app.wsgi_app(): POST /auth/login")).to_have_count(1)
    expect(steps.filter(has_text="view 'auth.login'")).to_have_count(1)
    expect(steps.filter(has_text="save_session()")).not_to_have_count(0)
    # Each span has a bar with its duration.
    expect(steps.first.locator(".bar")).to_be_visible()
    expect(steps.first.locator(".dur")).to_contain_text(re.compile(r"(µs|ms)"))
    # A source view, highlighted at the recorded line.
    view = steps.filter(has_text="view 'auth.login'").first
    source = view.get_attribute("data-source")
    assert source and source.startswith("demo/auth.py:")
    view.click()
    expect(page.locator("#source")).to_be_visible()
    line = int(source.rsplit(":", 1)[1])
    hit = page.locator("#source-code .ln.hit")
    expect(hit).to_have_attribute("data-n", str(line))
    expect(hit).to_contain_text("login")  # the def or its decorator
    no_horizontal_scroll(page)
    save_screenshot(page, "inspector-request-1280.png", full_page=False)

    # Export: the same JSON shape as `minflask trace --format json`.
    export = page.locator("#export").get_attribute("href")
    assert export is not None
    data = json.loads(page.request.get(base + export).text())
    assert set(data) >= {"request", "total_us", "steps", "response", "notes"}
    assert PASSWORD not in json.dumps(data)

    # Replay a GET: shown beside the original.
    page.goto(base + INSPECTOR)
    page.locator("#requests tbody tr").filter(has_text="GET").filter(
        has_text="/stocks/"
    ).first.locator("a.path").click()
    expect(page.locator("body[data-ready]")).to_be_attached()
    page.locator("#replay").click()
    replayed = page.locator("#replayed")
    expect(replayed).to_contain_text("Replay #")
    expect(replayed.locator(".step").first).to_contain_text(
        "app.wsgi_app(): GET /stocks/"
    )
    expect(page.locator("#compare.two")).to_be_attached()
    save_screenshot(page, "inspector-replay-1280.png")

    # 390 px wide: no sideways scroll on the list or a request.
    phone = open_page(browser, 390, 844)
    phone.goto(base + INSPECTOR)
    expect(phone.locator("#requests tbody tr").first).to_be_visible()
    no_horizontal_scroll(phone)
    save_screenshot(phone, "inspector-list-390.png")
    phone.locator("#requests tbody tr a.path").first.click()
    expect(phone.locator("body[data-ready]")).to_be_attached()
    # From the keyboard: a step with a file is a button.
    phone.locator("#waterfall .step.viewable").first.focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("#source")).to_be_visible()
    no_horizontal_scroll(phone)
    save_screenshot(phone, "inspector-request-390.png")
