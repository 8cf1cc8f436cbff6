"""Holdings: validation, storage and totals, shared by the pages, the JSON
API and the CSV import so all three accept exactly the same input.

Amounts are :class:`~decimal.Decimal` throughout and stored as text, so a
cost basis is exact to the cent. The demo keeps what you paid, not what a
holding is worth now: market value would need live prices it does not fetch.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from minflask import abort

from .db import get_db

CENT = Decimal("0.01")
MAX_SHARES = Decimal("1000000000")
MAX_PRICE = Decimal("10000000")
SHARES_PLACES = 6
PRICE_PLACES = 4
#: Decimal places an amount may be written with (trailing zeros included),
#: checked before anything formats it: "0E-999999999" is a zero with a
#: billion of them, which normalize() would hide and formatting would write.
MAX_WRITTEN_PLACES = 20
#: SQLite's largest integer: a larger holding id from a URL names no
#: holding (and would make sqlite3 raise OverflowError).
MAX_ID = 2**63 - 1
_SYMBOL = re.compile(r"[A-Z0-9][A-Z0-9.\-]{0,9}")
NOT_A_NUMBER = "Enter a number, like 12 or 12.50."
NO_COMMAS = "Write the number without commas, like 1500 or 12.50."


@dataclass(frozen=True)
class HoldingInput:
    """A validated holding, not yet stored."""

    symbol: str
    shares: Decimal
    purchase_price: Decimal


@dataclass(frozen=True)
class Holding(HoldingInput):
    """A stored holding."""

    id: int

    @property
    def cost_basis(self) -> Decimal:
        """What the holding cost: shares times purchase price, to the cent."""
        return (self.shares * self.purchase_price).quantize(CENT, ROUND_HALF_UP)

    def to_json(self) -> dict[str, object]:
        """The API's view; amounts as strings so no client rounds them."""
        return {
            "id": self.id,
            "symbol": self.symbol,
            "shares": plain(self.shares),
            "purchase_price": price_text(self.purchase_price),
            "cost_basis": str(self.cost_basis),
        }


def plain(value: Decimal) -> str:
    """``value`` without exponent or trailing zeros: 12.50 -> "12.5"."""
    return format(value.normalize(), "f")


def price_text(value: Decimal) -> str:
    """A price with at least two decimals: 150.5 -> "150.50", 1.2345 stays."""
    return format(value if _places(value) >= 2 else value.quantize(CENT), "f")


def _places(value: Decimal) -> int:
    """Digits after the decimal point as written: 1.50 -> 2, 1E+3 -> 0."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def parse_holding(
    data: Mapping[str, object],
) -> tuple[HoldingInput | None, dict[str, str]]:
    """Validate ``symbol``, ``shares`` and ``purchase_price`` from a form,
    a JSON object or a CSV row: the holding, or None and an error per field."""
    errors: dict[str, str] = {}
    symbol = data.get("symbol")
    if not isinstance(symbol, str) or not _SYMBOL.fullmatch(symbol.strip().upper()):
        errors["symbol"] = (
            "Use 1 to 10 letters, digits, dots or hyphens, like AAPL or BRK.B."
        )
    shares = _decimal(
        data.get("shares"), "shares", errors, SHARES_PLACES, MAX_SHARES, positive=True
    )
    price = _decimal(
        data.get("purchase_price"), "purchase_price", errors, PRICE_PLACES, MAX_PRICE
    )
    if errors:
        return None, errors
    assert isinstance(symbol, str) and shares is not None and price is not None
    return HoldingInput(symbol.strip().upper(), shares, price), {}


def _decimal(
    value: object,
    field: str,
    errors: dict[str, str],
    places: int,
    maximum: Decimal,
    *,
    positive: bool = False,
) -> Decimal | None:
    """Parse an amount of zero or more (more than zero if ``positive``);
    record an error in ``errors`` and return None if it is bad."""
    # JSON numbers arrive as int or float (bool is an int: refuse it); a
    # float goes through str so 0.1 becomes Decimal("0.1"), not its binary value.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    # One message for every "this is not a number", empty or not.
    if not isinstance(value, str) or not value.strip():
        errors[field] = NOT_A_NUMBER
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        errors[field] = NO_COMMAS if "," in value else NOT_A_NUMBER
        return None
    if not number.is_finite() or number < 0 or (positive and number == 0):
        errors[field] = (
            "Enter a number more than zero." if positive else "Enter zero or more."
        )
    elif number > maximum:
        errors[field] = f"Enter at most {maximum:,}."
    elif _places(number) > MAX_WRITTEN_PLACES or _places(number.normalize()) > places:
        errors[field] = f"Use at most {places} decimal places."
    else:
        return number
    return None


def _text(value: Decimal) -> str:
    """Stored form: as entered, but never in exponent notation (1E+3 -> 1000)."""
    return format(value, "f")


def _holding(row: sqlite3.Row) -> Holding:
    return Holding(
        id=row["id"],
        symbol=row["symbol"],
        shares=Decimal(row["shares"]),
        purchase_price=Decimal(row["purchase_price"]),
    )


def list_holdings(user_id: int) -> list[Holding]:
    """The user's holdings by symbol, oldest lot first within a symbol."""
    rows = get_db().execute(
        "SELECT id, symbol, shares, purchase_price FROM holdings"
        " WHERE user_id = ? ORDER BY symbol, id",
        (user_id,),
    )
    return [_holding(row) for row in rows]


def _check_id(holding_id: int) -> None:
    """404 for an id no SQLite row can have, before sqlite3 sees it."""
    if not 0 <= holding_id <= MAX_ID:
        abort(404, f"There is no holding {holding_id} in your portfolio.")


def get_holding(user_id: int, holding_id: int) -> Holding:
    """The user's holding, or a 404: another user's holding does not exist
    as far as this user can tell."""
    _check_id(holding_id)
    row = (
        get_db()
        .execute(
            "SELECT id, symbol, shares, purchase_price FROM holdings"
            " WHERE id = ? AND user_id = ?",
            (holding_id, user_id),
        )
        .fetchone()
    )
    if row is None:
        abort(404, f"There is no holding {holding_id} in your portfolio.")
    return _holding(row)


@dataclass(frozen=True)
class Stored:
    """What storing one holding did: ``holding`` is the row as it is now;
    ``merged`` says the shares went into a holding of the same symbol."""

    holding: Holding
    added: HoldingInput
    merged: bool

    @property
    def shares_before(self) -> Decimal:
        """The shares the holding had before (zero for a new one)."""
        return self.holding.shares - self.added.shares if self.merged else Decimal(0)


def add_holdings(user_id: int, holdings: Iterable[HoldingInput]) -> list[Stored]:
    """Store holdings in one transaction (all or none).

    A symbol the user already holds is merged, not listed twice: the shares
    are added and the purchase price becomes the average weighted by cost,
    so the cost basis stays what was paid in total (to the cent, rounded
    half up like every cost). Raises a 422 if the sum passes MAX_SHARES.
    """
    db = get_db()
    stored = []
    with db:
        for h in holdings:
            row = db.execute(
                "SELECT id, symbol, shares, purchase_price FROM holdings"
                " WHERE user_id = ? AND symbol = ? ORDER BY id LIMIT 1",
                (user_id, h.symbol),
            ).fetchone()
            if row is None:
                cur = db.execute(
                    "INSERT INTO holdings (user_id, symbol, shares, purchase_price)"
                    " VALUES (?, ?, ?, ?)",
                    (user_id, h.symbol, _text(h.shares), _text(h.purchase_price)),
                )
                assert cur.lastrowid is not None
                stored.append(
                    Stored(
                        Holding(h.symbol, h.shares, h.purchase_price, cur.lastrowid),
                        h,
                        False,
                    )
                )
                continue
            old = _holding(row)
            merged = _merge(old, h)
            db.execute(
                "UPDATE holdings SET shares = ?, purchase_price = ? WHERE id = ?",
                (_text(merged.shares), _text(merged.purchase_price), old.id),
            )
            stored.append(Stored(merged, h, True))
    return stored


def _merge(old: Holding, new: HoldingInput) -> Holding:
    """``old`` with ``new``'s shares added at the cost-weighted average price."""
    shares = old.shares + new.shares
    if shares > MAX_SHARES:
        abort(
            422,
            f"Adding {plain(new.shares)} shares of {new.symbol} would make"
            f" {plain(shares)}: a holding can have at most {MAX_SHARES:,} shares.",
        )
    paid = old.shares * old.purchase_price + new.shares * new.purchase_price
    price = (paid / shares).quantize(Decimal(1).scaleb(-PRICE_PLACES), ROUND_HALF_UP)
    return Holding(old.symbol, shares, price.normalize(), old.id)


def symbol_taken(user_id: int, symbol: str, holding_id: int) -> bool:
    """Whether the user holds ``symbol`` in a holding other than ``holding_id``."""
    row = get_db().execute(
        "SELECT 1 FROM holdings WHERE user_id = ? AND symbol = ? AND id != ?",
        (user_id, symbol, holding_id),
    )
    return row.fetchone() is not None


def update_holding(user_id: int, holding_id: int, h: HoldingInput) -> None:
    """Replace a holding's fields; 404 if it is not the user's."""
    _check_id(holding_id)
    db = get_db()
    with db:
        cur = db.execute(
            "UPDATE holdings SET symbol = ?, shares = ?, purchase_price = ?"
            " WHERE id = ? AND user_id = ?",
            (h.symbol, _text(h.shares), _text(h.purchase_price), holding_id, user_id),
        )
    if cur.rowcount == 0:
        abort(404, f"There is no holding {holding_id} in your portfolio.")


def delete_holding(user_id: int, holding_id: int) -> None:
    """Remove a holding; 404 if it is not the user's."""
    _check_id(holding_id)
    db = get_db()
    with db:
        cur = db.execute(
            "DELETE FROM holdings WHERE id = ? AND user_id = ?", (holding_id, user_id)
        )
    if cur.rowcount == 0:
        abort(404, f"There is no holding {holding_id} in your portfolio.")


def total_cost(holdings: Iterable[Holding]) -> Decimal:
    """The portfolio's cost basis: the sum of each holding's, to the cent."""
    return sum((h.cost_basis for h in holdings), Decimal("0.00"))
