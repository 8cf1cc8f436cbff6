"""The portfolio pages: the list with totals, add, edit, delete, CSV import."""

from __future__ import annotations

import typing as t
from collections.abc import Mapping
from decimal import Decimal

from werkzeug.exceptions import UnprocessableEntity
from werkzeug.utils import secure_filename

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

from . import csv_import
from .auth import login_required
from .portfolio import (
    HoldingInput,
    Stored,
    add_holdings,
    delete_holding,
    get_holding,
    list_holdings,
    parse_holding,
    plain,
    price_text,
    symbol_taken,
    total_cost,
    update_holding,
)

bp = Blueprint("stocks", __name__, url_prefix="/stocks")

#: Past this many bad rows, the import page sums up the rest in one message.
MAX_FLASHED_ERRORS = 10


@bp.app_template_filter("money")
def money(value: Decimal) -> str:
    """A cost to the cent with thousands separators: 1234.5 -> "1,234.50"."""
    return f"{value:,.2f}"


@bp.app_template_filter("price")
def price(value: Decimal) -> str:
    """A price as entered, with at least cents: 150.5 -> "150.50"."""
    return f"{Decimal(price_text(value)):,f}"


@bp.app_template_filter("shares")
def shares(value: Decimal) -> str:
    """A share count without trailing zeros: 12.500 -> "12.5"."""
    return f"{Decimal(plain(value)):,f}"


@bp.get("/")
@login_required
def index() -> str:
    """The holdings with each one's cost basis and the portfolio total."""
    holdings = list_holdings(g.user.id)
    return render_template(
        "stocks/index.html", holdings=holdings, total=total_cost(holdings)
    )


@bp.route("/add", methods=("GET", "POST"))
@login_required
def add() -> t.Any:
    """Add one holding."""
    if request.method == "POST":
        holding, errors = parse_holding(request.form)
        if holding is None:
            return _form_page(request.form, errors), 422
        try:
            (stored,) = add_holdings(g.user.id, [holding])
        except UnprocessableEntity as e:  # the merged holding would be too big
            return _form_page(request.form, {"shares": str(e.description)}), 422
        flash(added_message(stored), "success")
        return redirect(url_for("stocks.index"))
    return _form_page({}, {})


def share_count(amount: Decimal) -> str:
    """A number of shares with its noun: "1 share", "2.5 shares"."""
    return f"{shares(amount)} {'share' if amount == 1 else 'shares'}"


def added_message(stored: Stored) -> str:
    """What adding a holding did, merged into one of the same symbol or not."""
    added, now = stored.added, stored.holding
    if not stored.merged:
        return f"Added {share_count(added.shares)} of {added.symbol}."
    return (
        f"Added {share_count(added.shares)} of {added.symbol} to the"
        f" {shares(stored.shares_before)} you already had: now"
        f" {share_count(now.shares)} at an average purchase price of"
        f" {price(now.purchase_price)} (weighted by cost)."
    )


def imported_message(stored: list[Stored], filename: str) -> str:
    """What an import did: how many rows, and which symbols were merged."""
    merged = sorted({s.added.symbol for s in stored if s.merged})
    if not merged:
        noun = "holding" if len(stored) == 1 else "holdings"
        return f"Imported {len(stored)} {noun} from {filename}."
    new = sum(not s.merged for s in stored)
    rows = "row" if len(stored) == 1 else "rows"
    holdings = "holding" if new == 1 else "holdings"
    return (
        f"Imported {len(stored)} {rows} from {filename}: {new} new {holdings};"
        f" the shares of {_and(merged)} were added to the holding of the same"
        " symbol, at the purchase price averaged by cost."
    )


def _and(names: list[str]) -> str:
    """Names joined as in a sentence: A; A and B; A, B and C."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@bp.route("/<int:holding_id>/edit", methods=("GET", "POST"))
@login_required
def edit(holding_id: int) -> t.Any:
    """Change a holding; another user's holding is a 404."""
    current = get_holding(g.user.id, holding_id)
    if request.method == "POST":
        holding, errors = parse_holding(request.form)
        if holding is not None and symbol_taken(g.user.id, holding.symbol, holding_id):
            errors = {"symbol": already_held(holding)}
            holding = None
        if holding is None:
            return _form_page(request.form, errors, holding_id), 422
        update_holding(g.user.id, holding_id, holding)
        flash(f"Updated {holding.symbol}.", "success")
        return redirect(url_for("stocks.index"))
    values = {
        "symbol": current.symbol,
        "shares": plain(current.shares),
        "purchase_price": price_text(current.purchase_price),
    }
    return _form_page(values, {}, holding_id)


def already_held(holding: HoldingInput) -> str:
    """The edit form's answer to renaming a holding to a symbol held in another."""
    return (
        f"You already hold {holding.symbol}: add these shares to that holding"
        " (Add a holding merges them), then delete this one."
    )


@bp.route("/<int:holding_id>/delete", methods=("GET", "POST"))
@login_required
def delete(holding_id: int) -> t.Any:
    """Ask to confirm (GET), then remove the holding (POST); another user's
    holding is a 404. The question is a page with a form, so it works
    without JavaScript."""
    holding = get_holding(g.user.id, holding_id)
    if request.method == "GET":
        return render_template("stocks/delete.html", holding=holding)
    delete_holding(g.user.id, holding_id)
    flash(f"Deleted {share_count(holding.shares)} of {holding.symbol}.", "info")
    return redirect(url_for("stocks.index"))


@bp.route("/import", methods=("GET", "POST"))
@login_required
def import_csv() -> t.Any:
    """Import holdings from a CSV upload: every row or none."""
    if request.method == "GET":
        return _import_page()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("Choose a CSV file to import.", "error")
        return _import_page(), 400
    # The upload is never saved; secure_filename gives a name that is safe
    # to show and to check the extension of, whatever the browser sent.
    filename = secure_filename(upload.filename) or "upload"
    if not filename.lower().endswith(".csv"):
        flash(f"{filename} is not a .csv file.", "error")
        return _import_page(), 400
    try:
        holdings, errors = csv_import.read_holdings(csv_import.decode(upload.read()))
    except ValueError as e:
        holdings, errors = [], [str(e)]
    stored = []
    if not errors:
        try:
            stored = add_holdings(g.user.id, holdings)
        except UnprocessableEntity as e:  # a merged holding would be too big
            errors = [str(e.description)]
    if errors:
        for message in errors[:MAX_FLASHED_ERRORS]:
            flash(message, "error")
        if len(errors) > MAX_FLASHED_ERRORS:
            flash(f"... and {len(errors) - MAX_FLASHED_ERRORS} more problems.", "error")
        flash(f"Nothing was imported from {filename}: fix it and try again.", "warning")
        return _import_page(), 422
    flash(imported_message(stored, filename), "success")
    return redirect(url_for("stocks.index"))


def _form_page(
    values: Mapping[str, str], errors: Mapping[str, str], holding_id: int | None = None
) -> str:
    """The add form, or with ``holding_id`` the edit form."""
    return render_template(
        "stocks/form.html", values=values, errors=errors, holding_id=holding_id
    )


def _import_page() -> str:
    limit_kib = (current_app.config["MAX_CONTENT_LENGTH"] or 0) // 1024
    return render_template(
        "stocks/import.html", columns=csv_import.COLUMNS, limit_kib=limit_kib
    )
