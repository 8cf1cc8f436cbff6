"""The demo app: factory and config, first run, pages, auth, CSRF, sessions,
"log out everywhere", error pages. Holdings, the API and the CLI have their
own test_demo_*.py files; the browser tests are in test_demo_e2e.py."""

from __future__ import annotations

import re
import stat
import threading
from pathlib import Path

import pytest

import demo
from demo import db, settings, signins
from demo.auth import is_safe_next
from minflask import Flask
from minflask.testing import FlaskClient
from tests.demo_fixtures.support import (
    ALICE,
    BOB,
    PASSWORD,
    add_holding,
    add_user,
    flashes,
    login,
    make_app,
    page_token,
    post_form,
)
from tests.redis_server import redis_server as redis_server
from tests.redis_server import redis_url as redis_url


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def alice(app: Flask) -> int:
    return add_user(app, ALICE)


# -- factory, config and first run ------------------------------------------------


def test_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = make_app(tmp_path)
    key_file = tmp_path / "instance" / settings.SECRET_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first.config["SECRET_KEY"]) == 64
    assert make_app(tmp_path).config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert (
        make_app(tmp_path / "other").config["SECRET_KEY"] != first.config["SECRET_KEY"]
    )
    assert [p.name for p in key_file.parent.iterdir() if p.suffix == ".tmp"] == []


def test_secret_key_from_config_wins_and_is_not_stored(tmp_path: Path) -> None:
    app = make_app(tmp_path, SECRET_KEY="from test config")
    assert app.config["SECRET_KEY"] == "from test config"
    assert not (tmp_path / "instance" / settings.SECRET_KEY_FILE).exists()


def test_processes_starting_together_share_one_secret_key(tmp_path: Path) -> None:
    keys: list[str] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        keys.append(settings.load_or_create_secret_key(str(tmp_path)))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [settings.SECRET_KEY_FILE]


def test_empty_secret_key_file_is_an_error_not_a_weak_key(tmp_path: Path) -> None:
    (tmp_path / settings.SECRET_KEY_FILE).write_text("\n")
    with pytest.raises(RuntimeError, match="is empty; delete it"):
        settings.load_or_create_secret_key(str(tmp_path))


def test_config_layers_defaults_file_env_then_test_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        "MAX_CONTENT_LENGTH = 1000\nFROM_FILE = 'file'\nFROM_ENV = 'file'\n"
    )
    monkeypatch.setenv("MINFLASK_DEMO_FROM_ENV", "env")
    monkeypatch.setenv("MINFLASK_DEMO_PERMANENT_SESSION_LIFETIME", "3600")
    monkeypatch.setenv("MINFLASK_DEMO_MAX_CONTENT_LENGTH", "2000")
    app = make_app(tmp_path, MAX_CONTENT_LENGTH=3000)
    assert app.config["FROM_FILE"] == "file"
    assert app.config["FROM_ENV"] == "env"
    assert app.config["MAX_CONTENT_LENGTH"] == 3000
    assert app.permanent_session_lifetime.total_seconds() == 3600
    assert app.config["SESSION_TYPE"] == "sqlite"  # the default
    assert app.config["DATABASE"] == str(instance / "demo.sqlite3")


def test_instance_folder_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(demo.INSTANCE_PATH_ENV, "relative-instance")
    app = demo.create_app({"TESTING": True, "SAMPLE_DATA": False})
    assert app.instance_path == str(tmp_path / "relative-instance")
    assert (tmp_path / "relative-instance" / "demo.sqlite3").is_file()


def test_sessions_default_to_sqlite_in_the_instance_folder(app: Flask) -> None:
    from minflask.sessions import SqliteSessionInterface

    assert isinstance(app.session_interface, SqliteSessionInterface)
    client = app.test_client()
    client.get("/auth/login")  # the CSRF token starts a session
    assert (Path(app.instance_path) / "sessions.sqlite3").is_file()


def test_one_environment_variable_switches_sessions_to_redis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minflask.sessions import RedisSessionInterface

    monkeypatch.setenv("MINFLASK_DEMO_SESSION_TYPE", "redis")
    monkeypatch.setenv("MINFLASK_DEMO_SESSION_REDIS_URL", "redis://127.0.0.1:1/3")
    app = make_app(tmp_path)
    assert app.config["SESSION_TYPE"] == "redis"
    assert app.config["SESSION_REDIS_URL"] == "redis://127.0.0.1:1/3"
    assert isinstance(app.session_interface, RedisSessionInterface)


def test_first_run_creates_the_sample_account_once(tmp_path: Path) -> None:
    app = make_app(tmp_path, SAMPLE_DATA=True)
    client = app.test_client()
    response = login(client, db.SAMPLE_EMAIL, db.SAMPLE_PASSWORD)
    assert response.status_code == 302
    page = client.get("/stocks/").get_data(as_text=True)
    for symbol, _, _ in db.SAMPLE_HOLDINGS:
        assert f'<th scope="row">{symbol}</th>' in page
    assert "5,260.40" in page  # 10 x 150.25 + 4 x 310.10 + 12.5 x 201.40

    # A second start leaves the data alone; a deleted sample stays deleted.
    with app.app_context():
        conn = db.get_db()
        with conn:
            conn.execute("DELETE FROM users")
    again = make_app(tmp_path, SAMPLE_DATA=True)
    with again.app_context():
        assert not db.sample_user_exists()


def test_schema_is_created_exactly_once_by_concurrent_starters(tmp_path: Path) -> None:
    path = str(tmp_path / "race.sqlite3")
    schema = (Path(demo.__file__).parent / "schema.sql").read_text()
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def start() -> None:
        barrier.wait()
        results.append(db.prepare(path, schema, sample=True))

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    conn = db.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_a_version_1_database_is_upgraded_in_place(tmp_path: Path) -> None:
    """Version 2 added ended_signins: an older database gets it and keeps
    its accounts, with no second sample account."""
    app = make_app(tmp_path, SAMPLE_DATA=True)
    with app.app_context():
        conn = db.get_db()
        with conn:
            conn.execute("DROP TABLE ended_signins")
            conn.execute("PRAGMA user_version = 1")
    upgraded = make_app(tmp_path, SAMPLE_DATA=True)
    with upgraded.app_context():
        conn = db.get_db()
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert conn.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 1
        assert conn.execute("SELECT COUNT(*) FROM ended_signins").fetchone()[0] == 0
    client = upgraded.test_client()
    assert login(client, db.SAMPLE_EMAIL, db.SAMPLE_PASSWORD).status_code == 302


def test_database_connection_is_per_request_and_closed(app: Flask) -> None:
    with app.app_context():
        conn = db.get_db()
        assert db.get_db() is conn
    with pytest.raises(Exception, match="closed"):
        conn.execute("SELECT 1")


# -- pages, static files, headers -------------------------------------------------


def test_front_page_for_visitors_links_to_register_and_login(
    client: FlaskClient,
) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/auth/register"' in html and 'href="/auth/login"' in html
    assert 'href="/static/style.css"' in html and 'src="/static/logo.svg"' in html


def test_front_page_sends_signed_in_users_to_their_holdings(
    client: FlaskClient, alice: int
) -> None:
    login(client)
    response = client.get("/")
    assert response.status_code == 302
    assert response.location == "/stocks/"


def test_stylesheet_and_logo_are_served(client: FlaskClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert b".flash-error" in css.data and b".flash-success" in css.data
    logo = client.get("/static/logo.svg")
    assert logo.status_code == 200 and logo.mimetype == "image/svg+xml"
    assert logo.data.startswith(b"<svg")


def test_every_page_has_security_headers(client: FlaskClient) -> None:
    for url in ("/", "/auth/login", "/nowhere"):
        headers = client.get(url).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_custom_404_page(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "<h1>Page not found</h1>" in html and "Minfolio" in html


def test_custom_500_page_hides_the_error(tmp_path: Path) -> None:
    app = make_app(tmp_path, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong on our side" in html
    assert "secret detail" not in html and "Traceback" not in html


def test_wrong_method_page_keeps_the_allow_header(client: FlaskClient) -> None:
    response = client.put("/stocks/1/delete")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {
        "GET",
        "HEAD",
        "POST",
        "OPTIONS",
    }
    assert "Method Not Allowed" in response.get_data(as_text=True)


# -- registration and login ------------------------------------------------------


def test_registering_logs_the_new_user_in_under_a_fresh_session_id(
    app: Flask, client: FlaskClient
) -> None:
    client.get("/auth/register")
    planted = client.get_cookie("session")
    assert planted is not None  # the anonymous session holding the CSRF token
    response = post_form(
        client, "/auth/register", {"email": " Carol@Example.COM ", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.location == "/stocks/"
    page = client.get("/stocks/")
    assert page.status_code == 200
    assert flashes(page) == [
        (
            "success",
            "Welcome to Minfolio, carol@example.com: your account is ready and you"
            " are logged in.",
        )
    ]
    # regenerate, as at login: the id from before registering is worthless.
    fresh = client.get_cookie("session")
    assert fresh is not None and fresh.value != planted.value
    attacker = app.test_client()
    attacker.set_cookie("session", planted.value)
    assert attacker.get("/stocks/").status_code == 302
    # The new session is recorded, so "log out everywhere" can end it.
    assert "this device" in client.get("/account/").get_data(as_text=True)
    post_form(client, "/auth/logout")

    response = login(client, "carol@example.com")
    assert response.status_code == 302 and response.location == "/stocks/"
    assert ("success", "Welcome, carol@example.com.") in flashes(client.get("/stocks/"))


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", PASSWORD, "Enter your email address."),
        (
            "not-an-email",
            PASSWORD,
            "Enter a valid email address, like name@example.com.",
        ),
        ("a@b", PASSWORD, "Enter a valid email address, like name@example.com."),
        ("dave@example.com", "short", "Use at least 8 characters."),
        (ALICE.upper(), PASSWORD, f"An account for {ALICE} already exists."),
    ],
)
def test_register_rejects_bad_input(
    client: FlaskClient, alice: int, email: str, password: str, message: str
) -> None:
    response = post_form(
        client, "/auth/register", {"email": email, "password": password}
    )
    assert response.status_code == 422
    assert '<p class="field-error"' in response.get_data(as_text=True)
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "password"),
    [(ALICE, "wrong password"), ("nobody@example.com", PASSWORD), (ALICE, "")],
)
def test_wrong_credentials_are_refused_alike(
    client: FlaskClient, alice: int, email: str, password: str
) -> None:
    response = login(client, email, password)
    assert response.status_code == 422
    assert flashes(response) == [("error", "Incorrect email or password.")]
    assert client.get("/stocks/").status_code == 302  # still anonymous


def test_login_makes_a_permanent_session(client: FlaskClient, alice: int) -> None:
    response = login(client)
    cookie = response.headers["Set-Cookie"]
    assert "Expires=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_is_case_insensitive_on_email(client: FlaskClient, alice: int) -> None:
    assert login(client, ALICE.upper()).status_code == 302


def test_protected_page_sends_visitors_to_login_and_back(
    client: FlaskClient, alice: int
) -> None:
    response = client.get("/stocks/add?from=nav")
    assert response.status_code == 302
    assert response.location == "/auth/login?next=/stocks/add?from%3Dnav"
    page = client.get(response.location).get_data(as_text=True)
    assert '<input type="hidden" name="next" value="/stocks/add?from=nav">' in page
    response = login(client, next_url="/stocks/add?from=nav")
    assert response.location == "/stocks/add?from=nav"


def test_protected_post_redirects_to_login_without_next(client: FlaskClient) -> None:
    response = post_form(client, "/stocks/1/delete")
    assert response.status_code == 302
    assert response.location == "/auth/login"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/stocks/", "Log in to see your holdings."),
        ("/stocks/import", "Log in to see your holdings."),
        ("/account/", "Log in to see your account."),
    ],
)
def test_the_login_page_says_why_it_appeared(
    client: FlaskClient, url: str, message: str
) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert flashes(client.get(response.location)) == [("info", message)]
    # Shown once: the login page itself does not repeat it.
    assert flashes(client.get("/auth/login")) == []


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "///evil.com",
        "http://evil.com/",
        "https://evil.com/stocks/",
        "/\\evil.com",
        "\\\\evil.com",
        "/\t/evil.com",
        "/\n/evil.com",
        "javascript:alert(1)",
        "evil.com",
        "",
    ],
)
def test_unsafe_next_is_ignored(client: FlaskClient, alice: int, target: str) -> None:
    assert not is_safe_next(target)
    page = client.get("/auth/login", query_string={"next": target})
    assert 'name="next"' not in page.get_data(as_text=True)
    response = login(client, next_url=target)
    assert response.status_code == 302
    assert response.location == "/stocks/"


@pytest.mark.parametrize("target", ["/", "/stocks/", "/stocks/3/edit?x=1#top", "/a//b"])
def test_relative_next_is_safe(target: str) -> None:
    assert is_safe_next(target)


def test_logout_asks_then_ends_the_session(client: FlaskClient, alice: int) -> None:
    login(client)
    page = client.get("/auth/logout")
    assert page.status_code == 200
    assert "Log out?" in page.get_data(as_text=True)
    response = post_form(client, "/auth/logout")
    assert response.status_code == 302 and response.location == "/"
    assert ("info", "You have logged out.") in flashes(client.get("/"))
    assert client.get("/stocks/").status_code == 302
    assert client.get("/auth/logout").location == "/"


def test_session_id_changes_at_login_against_fixation(app: Flask, alice: int) -> None:
    victim = app.test_client()
    victim.get("/auth/login")
    planted = victim.get_cookie("session")
    assert planted is not None
    login(victim)
    attacker = app.test_client()
    attacker.set_cookie("session", planted.value)
    assert attacker.get("/stocks/").status_code == 302
    assert victim.get("/stocks/").status_code == 200


def test_deleted_account_is_logged_out(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    login(client)
    with app.app_context():
        conn = db.get_db()
        with conn:
            conn.execute("DELETE FROM users WHERE id = ?", (alice,))
    assert client.get("/stocks/").status_code == 302


# -- CSRF ------------------------------------------------------------------------


def test_form_post_without_csrf_token_is_400(client: FlaskClient, alice: int) -> None:
    response = client.post("/auth/login", data={"email": ALICE, "password": PASSWORD})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The CSRF token is missing or does not match this session." in html
    assert "reload the page" in html
    assert client.get("/stocks/").status_code == 302  # not logged in


@pytest.mark.parametrize("token", ["wrong", "é-non-ascii", " "])
def test_form_post_with_wrong_csrf_token_is_400(
    client: FlaskClient, alice: int, token: str
) -> None:
    client.get("/auth/login")
    data = {"email": ALICE, "password": PASSWORD, "csrf_token": token}
    assert client.post("/auth/login", data=data).status_code == 400


def test_csrf_token_of_another_session_is_refused(app: Flask, alice: int) -> None:
    other = app.test_client()
    token = page_token(other)
    client = app.test_client()
    client.get("/auth/login")
    data = {"email": ALICE, "password": PASSWORD, "csrf_token": token}
    assert client.post("/auth/login", data=data).status_code == 400


def test_csrf_token_changes_at_login(client: FlaskClient, alice: int) -> None:
    before = page_token(client)
    login(client)
    after = page_token(client, "/stocks/add")
    assert before != after
    stale = {"symbol": "X", "shares": "1", "purchase_price": "1", "csrf_token": before}
    assert client.post("/stocks/add", data=stale).status_code == 400


def test_unknown_url_post_is_404_not_a_csrf_error(client: FlaskClient) -> None:
    assert client.post("/no/such/form").status_code == 404


# -- account page and "log out everywhere" ---------------------------------------


FIREFOX_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def test_account_page_names_each_device_and_this_one(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    phone = app.test_client()
    login(phone, headers={"User-Agent": SAFARI_IPHONE})
    login(client, headers={"User-Agent": FIREFOX_WINDOWS})
    html = client.get("/account/").get_data(as_text=True)
    assert "Logged in as <strong>alice@example.com</strong>" in html
    assert "Mozilla/5.0" not in html  # no raw User-Agent strings
    items = re.findall(r"<li>(.*?)</li>", html, re.S)
    texts = [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]
    assert len(texts) == 2
    this, other = sorted(texts, key=lambda text: "this device" not in text)
    assert this.startswith("Firefox on Windows this device started ")
    assert this.endswith(" UTC · in use now")
    assert other.startswith("Safari on iPhone started ")
    assert re.search(r"last seen \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC$", other)
    assert 'href="/account/logout-everywhere"' in html and "disabled" not in html


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (FIREFOX_WINDOWS, "Firefox on Windows"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            " HeadlessChrome/120.0.0.0 Safari/537.36",
            "Chrome on Linux",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36"
            " (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on macOS",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15"
            " (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
            "Safari on macOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML,"
            " like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
            " (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1",
            "Chrome on iPad",
        ),
        ("curl/8.5.0", "curl"),
        ("Mozilla/5.0 (X11; Linux x86_64) SomethingNew/1.0", "A browser on Linux"),
        ("", "Unknown browser"),
    ],
)
def test_user_agents_are_named_as_people_name_devices(
    user_agent: str, device: str
) -> None:
    assert signins.describe_user_agent(user_agent) == device


def test_log_out_everywhere_asks_first(app: Flask, alice: int) -> None:
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, headers={"User-Agent": FIREFOX_WINDOWS})
    login(phone, headers={"User-Agent": SAFARI_IPHONE})
    # The account page links to a question; it has no one-click button.
    account = laptop.get("/account/").get_data(as_text=True)
    assert 'action="/account/logout-everywhere"' not in account
    page = laptop.get("/account/logout-everywhere")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Log out everywhere?</h1>" in html
    assert "This ends both of your sessions, this one included." in html
    assert "Firefox on Windows" in html and "Safari on iPhone" in html
    assert 'method="post" action="/account/logout-everywhere"' in html
    assert 'href="/account/">Cancel</a>' in html
    # Looking at the question changed nothing.
    assert phone.get("/stocks/").status_code == 200
    assert laptop.get("/stocks/").status_code == 200


def test_a_browser_logged_out_from_another_device_is_told_so(
    app: Flask, alice: int
) -> None:
    laptop, phone, stranger = app.test_client(), app.test_client(), app.test_client()
    login(laptop)
    login(phone)
    post_form(laptop, "/account/logout-everywhere")
    response = phone.get("/stocks/")
    assert response.status_code == 302
    assert response.location == "/auth/login?next=/stocks/"
    assert flashes(phone.get(response.location)) == [
        ("warning", "Your session was ended from another device. Log in again.")
    ]
    # Once: the browser now has a new session, and the old id is forgotten.
    assert flashes(phone.get(phone.get("/account/").location)) == [
        ("info", "Log in to see your account.")
    ]
    # A cookie that never named a session, or a forged one, gets the plain reason.
    stranger.set_cookie("session", "nonsense.signature")
    assert flashes(stranger.get(stranger.get("/stocks/").location)) == [
        ("info", "Log in to see your holdings.")
    ]


def test_log_out_everywhere_revokes_every_session_of_the_user(
    app: Flask, alice: int
) -> None:
    add_user(app, BOB)
    laptop, phone, bob = app.test_client(), app.test_client(), app.test_client()
    login(laptop)
    login(phone)
    login(bob, BOB)
    assert phone.get("/stocks/").status_code == 200

    response = post_form(laptop, "/account/logout-everywhere")
    assert response.status_code == 302 and response.location == "/auth/login"
    assert ("success", "Logged out everywhere: 2 sessions ended.") in flashes(
        laptop.get("/auth/login")
    )
    assert laptop.get("/stocks/").status_code == 302
    assert phone.get("/stocks/").status_code == 302
    assert bob.get("/stocks/").status_code == 200
    with app.app_context():
        rows = db.get_db().execute("SELECT user_id FROM signins").fetchall()
    assert [row["user_id"] for row in rows] == [2]


def test_logout_forgets_this_session_only(app: Flask, alice: int) -> None:
    laptop, phone = app.test_client(), app.test_client()
    login(laptop)
    login(phone)
    post_form(laptop, "/auth/logout")
    html = phone.get("/account/").get_data(as_text=True)
    assert html.count("<li>") == 1 and "this device" in html


def test_log_out_everywhere_degrades_clearly_with_cookie_sessions(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, SESSION_TYPE="cookie")
    add_user(app)
    client = app.test_client()
    login(client)
    html = client.get("/account/").get_data(as_text=True)
    assert "cannot take back" in html
    assert '<button class="danger" type="submit" disabled>' in html
    response = post_form(client, "/account/logout-everywhere")
    assert response.status_code == 302 and response.location == "/account/"
    (category, message), *_ = flashes(client.get("/account/"))
    assert category == "warning" and "needs server-side sessions" in message
    assert client.get("/stocks/").status_code == 200  # still logged in
    # No question to ask either: the page says why, as the button did.
    response = client.get("/account/logout-everywhere")
    assert response.status_code == 302 and response.location == "/account/"
    # A visitor is told the plain reason; cookie sessions have no ended ids.
    anonymous = app.test_client()
    assert flashes(anonymous.get(anonymous.get("/stocks/").location)) == [
        ("info", "Log in to see your holdings.")
    ]


def test_signins_unused_for_a_lifetime_are_forgotten_at_login(
    app: Flask, alice: int
) -> None:
    rows = [
        # Unused for 30 days: that session has expired in the store.
        ("dead", "2000-01-01T00:00:00+00:00", "2000-01-01T00:00:00+00:00"),
        # Started long ago but in use: renewed by its requests, still alive.
        ("alive", "2000-01-01T00:00:00+00:00", "2999-01-01T00:00:00+00:00"),
    ]
    with app.app_context():
        conn = db.get_db()
        with conn:
            conn.executemany(
                "INSERT INTO signins (sid, user_id, created_at, last_seen)"
                " VALUES (?, 1, ?, ?)",
                rows,
            )
    login(app.test_client())
    with app.app_context():
        sids = [r["sid"] for r in db.get_db().execute("SELECT sid FROM signins")]
    assert "dead" not in sids and "alive" in sids and len(sids) == 2


@pytest.mark.parametrize(("interval", "updated"), [(None, False), (0, True)])
def test_last_seen_is_written_at_most_once_per_interval(
    app: Flask,
    client: FlaskClient,
    alice: int,
    monkeypatch: pytest.MonkeyPatch,
    interval: int | None,
    updated: bool,
) -> None:
    from datetime import timedelta

    from demo import signins

    login(client)
    with app.app_context():
        conn = db.get_db()
        with conn:
            conn.execute("UPDATE signins SET last_seen = '2000-01-01T00:00:00+00:00'")
    if interval is not None:
        monkeypatch.setattr(signins, "SEEN_INTERVAL", timedelta(seconds=interval))
    client.get("/stocks/")
    with app.app_context():
        (seen,) = db.get_db().execute("SELECT last_seen FROM signins").fetchone()
    assert (seen != "2000-01-01T00:00:00+00:00") is updated


def test_holding_rows_go_with_their_user(app: Flask, alice: int) -> None:
    add_holding(app, alice, "AAPL", "1", "1")
    with app.app_context():
        conn = db.get_db()
        with conn:
            conn.execute("DELETE FROM users WHERE id = ?", (alice,))
        assert conn.execute("SELECT COUNT(*) FROM holdings").fetchone()[0] == 0


def test_demo_does_not_import_flask() -> None:
    for path in Path(demo.__file__).parent.rglob("*.py"):
        source = path.read_text()
        assert "import flask" not in source and "from flask" not in source, path


def test_passwords_are_stored_as_scrypt_hashes_by_default(tmp_path: Path) -> None:
    app = demo.create_app(
        {"TESTING": True, "SAMPLE_DATA": False},
        instance_path=str(tmp_path / "instance"),
    )
    user_id = add_user(app, ALICE, PASSWORD)
    with app.app_context():
        row = db.get_db().execute(
            "SELECT password_hash FROM users WHERE id = ?", (user_id,)
        )
        stored = row.fetchone()[0]
    assert stored.startswith("scrypt:") and PASSWORD not in stored
    assert login(app.test_client()).status_code == 302


def test_demo_on_redis_sessions_logs_out_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> None:
    import redis

    monkeypatch.setenv("MINFLASK_DEMO_SESSION_TYPE", "redis")
    monkeypatch.setenv("MINFLASK_DEMO_SESSION_REDIS_URL", redis_url)
    app = make_app(tmp_path)
    add_user(app)
    laptop, phone = app.test_client(), app.test_client()
    login(laptop)
    login(phone)
    assert phone.get("/stocks/").status_code == 200
    keys = redis.Redis.from_url(redis_url).keys("session:*")
    assert len(keys) == 2  # one per browser; nothing kept in the cookie

    post_form(laptop, "/account/logout-everywhere")
    assert ("success", "Logged out everywhere: 2 sessions ended.") in flashes(
        laptop.get("/auth/login")
    )
    assert phone.get("/stocks/").status_code == 302
    assert flashes(phone.get("/auth/login")) == [
        ("warning", "Your session was ended from another device. Log in again.")
    ]
    assert laptop.get("/stocks/").status_code == 302
