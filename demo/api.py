"""The JSON API: ``/api/stocks`` and ``/api/stocks/<id>``.

- Authentication: the session cookie the login page sets, so the API shows
  exactly what the pages show. Without it every endpoint answers 401.
- CSRF: a browser sends that cookie with any request, so POST, PUT and
  DELETE must also send the session's token in the ``X-CSRF-Token`` header
  (from ``GET /api/me`` or the pages' ``<meta name="csrf-token">``); a
  missing or wrong token is a 400. Bodies must be JSON (else 415).
- Amounts are decimal strings in answers (``"150.25"``); requests may send
  strings or numbers. Errors are JSON objects with ``status``, ``error`` and
  ``message``, plus ``fields`` (one message per field) on a 422.
"""

from __future__ import annotations

import typing as t

from minflask import Blueprint, Response, abort, g, request, url_for

from . import csrf
from .errors import error_response
from .portfolio import (
    HoldingInput,
    add_holdings,
    delete_holding,
    get_holding,
    list_holdings,
    parse_holding,
    symbol_taken,
    total_cost,
    update_holding,
)

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.before_request
def require_login_and_token() -> None:
    """401 for anonymous clients first, then the CSRF check (see csrf.py)."""
    if g.user is None:
        abort(401, "Log in first: the API uses the session cookie of /auth/login.")
    csrf.protect()


@bp.get("/me")
def me() -> dict[str, t.Any]:
    """Who is signed in, and the CSRF token unsafe requests must send."""
    return {"id": g.user.id, "email": g.user.email, "csrf_token": csrf.csrf_token()}


@bp.get("/stocks")
def list_stocks() -> dict[str, t.Any]:
    """Every holding of the user and the portfolio's cost basis."""
    holdings = list_holdings(g.user.id)
    return {
        "stocks": [h.to_json() for h in holdings],
        "total_cost_basis": str(total_cost(holdings)),
    }


@bp.post("/stocks")
def create_stock() -> t.Any:
    """Add a holding: 201 with its URL in Location. A symbol already held is
    merged into that holding (as on the pages): 200 with the merged holding."""
    (stored,) = add_holdings(g.user.id, [_holding_from_body()])
    holding_id = stored.holding.id
    body = get_holding(g.user.id, holding_id).to_json()
    location = {"Location": url_for("api.get_stock", holding_id=holding_id)}
    return body, 200 if stored.merged else 201, location


@bp.get("/stocks/<int:holding_id>")
def get_stock(holding_id: int) -> dict[str, object]:
    """One holding; another user's holding is a 404."""
    return get_holding(g.user.id, holding_id).to_json()


@bp.put("/stocks/<int:holding_id>")
def replace_stock(holding_id: int) -> dict[str, object]:
    """Replace a holding's fields (all three are required)."""
    get_holding(g.user.id, holding_id)  # 404 before validating a stranger's id
    holding = _holding_from_body()
    if symbol_taken(g.user.id, holding.symbol, holding_id):
        abort(
            _invalid(
                {"symbol": f"You already hold {holding.symbol} in another holding."}
            )
        )
    update_holding(g.user.id, holding_id, holding)
    return get_holding(g.user.id, holding_id).to_json()


@bp.delete("/stocks/<int:holding_id>")
def delete_stock(holding_id: int) -> tuple[str, int]:
    """Remove a holding: 204 and no body."""
    delete_holding(g.user.id, holding_id)
    return "", 204


def _holding_from_body() -> HoldingInput:
    """The request's JSON object as a holding, or abort: 415 if not JSON,
    400 if malformed or not an object, 422 with ``fields`` if invalid."""
    data = request.get_json()
    if not isinstance(data, dict):
        abort(400, "The body must be a JSON object.")
    holding, errors = parse_holding(data)
    if holding is None:
        abort(_invalid(errors))
    return holding


def _invalid(fields: dict[str, str]) -> Response:
    """The 422 answer with one message per invalid field."""
    return error_response(
        422, "Unprocessable Entity", "Some fields are invalid.", fields=fields
    )
