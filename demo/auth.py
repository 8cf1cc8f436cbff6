"""Registering, logging in and out; the signed-in user on ``g.user``.

``login_required`` sends anonymous visitors to the login page with a
``next`` parameter, which is honoured only when it is a path on this site.
"""

from __future__ import annotations

import functools
import typing as t
from urllib.parse import urlsplit

from minflask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from . import signins
from .users import (
    EmailTaken,
    User,
    authenticate,
    create_user,
    email_error,
    get_user,
    normalize_email,
    password_error,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")

F = t.TypeVar("F", bound=t.Callable[..., t.Any])


@bp.before_app_request
def load_logged_in_user() -> None:
    """Put the signed-in user, or None, on ``g.user`` for views and templates."""
    # Static files never need the user, so serving them never opens the session.
    user_id = session.get("user_id") if request.endpoint != "static" else None
    g.user = get_user(user_id) if isinstance(user_id, int) else None
    if g.user is not None:
        signins.touch()


#: Why the login page appears, by the blueprint of the page that was asked for.
WHY_LOG_IN = {"account": "Log in to see your account."}
DEFAULT_WHY = "Log in to see your holdings."
ENDED_ELSEWHERE = "Your session was ended from another device. Log in again."


def login_required(view: F) -> F:
    """Send anonymous visitors to the login page, saying why, then back here."""

    @functools.wraps(view)
    def wrapped(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if g.user is None:
            if signins.ended_elsewhere():
                flash(ENDED_ELSEWHERE, "warning")
            else:
                flash(WHY_LOG_IN.get(request.blueprint or "", DEFAULT_WHY), "info")
            # Only a GET can be replayed by a redirect after login.
            back = request.script_root + request.full_path.rstrip("?")
            next_url = back if request.method == "GET" else None
            return redirect(url_for("auth.login", next=next_url))
        return view(*args, **kwargs)

    return t.cast(F, wrapped)


def is_safe_next(target: str) -> bool:
    """Whether ``target`` is a path on this site, safe to redirect to.

    It must start with exactly one slash and hold no backslash or control
    character: browsers read "/\\evil.com" and "/\\t/evil.com" as "//evil.com",
    which is another site.
    """
    if not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ch < " " or ch == "\x7f" for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@bp.route("/register", methods=("GET", "POST"))
def register() -> t.Any:
    """Create an account and sign the new user in, as logging in would."""
    email, errors = "", {}
    if request.method == "POST":
        email = normalize_email(request.form.get("email", ""))
        password = request.form.get("password", "")
        problems = {"email": email_error(email), "password": password_error(password)}
        errors = {field: msg for field, msg in problems.items() if msg}
        if not errors:
            try:
                user_id = create_user(email, password)
            except EmailTaken as e:
                errors["email"] = str(e)
            else:
                signins.start(User(user_id, email))
                flash(
                    f"Welcome to Minfolio, {email}: your account is ready and you"
                    " are logged in.",
                    "success",
                )
                return redirect(url_for("stocks.index"))
    page = render_template("auth/register.html", email=email, errors=errors)
    return page, 422 if errors else 200


@bp.route("/login", methods=("GET", "POST"))
def login() -> t.Any:
    """Check the password and start a fresh session for the user."""
    next_url = request.values.get("next", "")
    if not is_safe_next(next_url):
        next_url = ""
    email = normalize_email(request.values.get("email", ""))
    if request.method == "POST":
        user = authenticate(email, request.form.get("password", ""))
        if user is not None:
            signins.start(user)
            flash(f"Welcome, {user.email}.", "success")
            return redirect(next_url or url_for("stocks.index"))
        flash("Incorrect email or password.", "error")
    page = render_template("auth/login.html", email=email, next_url=next_url)
    return page, 422 if request.method == "POST" else 200


@bp.route("/logout", methods=("GET", "POST"))
def logout() -> t.Any:
    """Ask to confirm (GET), then end this browser's session (POST).

    Logging out changes state, so it is a POST with a CSRF token: a link on
    another site cannot log you out.
    """
    if request.method == "GET":
        if g.user is None:
            return redirect(url_for("index"))
        return render_template("auth/logout.html")
    signins.end_current()
    flash("You have logged out.", "info")
    return redirect(url_for("index"))
