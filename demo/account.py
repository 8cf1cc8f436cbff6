"""The account page: who you are, where you are signed in, and a button to
sign out of every session at once (built on ``session_interface.revoke``)."""

from __future__ import annotations

import typing as t

from minflask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from . import signins
from .auth import login_required

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/")
@login_required
def index() -> str:
    """Show the account and its recorded sessions."""
    revocable = signins.revocable()
    return render_template(
        "account/index.html",
        revocable=revocable,
        signins=signins.list_signins(g.user) if revocable else [],
        session_type=current_app.config.get("SESSION_TYPE", "cookie"),
    )


@bp.route("/logout-everywhere", methods=("GET", "POST"))
@login_required
def logout_everywhere() -> t.Any:
    """Ask to confirm (GET, a page with a form: no JavaScript needed), then
    revoke every session of this user, in every browser (POST)."""
    if not signins.revocable():
        flash(
            "Logging out everywhere needs server-side sessions "
            '(SESSION_TYPE "sqlite" or "redis"); this app keeps sessions in '
            "signed cookies, which the server cannot take back.",
            "warning",
        )
        return redirect(url_for("account.index"))
    if request.method == "GET":
        return render_template(
            "account/logout_everywhere.html", signins=signins.list_signins(g.user)
        )
    ended = signins.end_all(g.user)
    noun = "session" if ended == 1 else "sessions"
    flash(f"Logged out everywhere: {ended} {noun} ended.", "success")
    return redirect(url_for("auth.login"))
