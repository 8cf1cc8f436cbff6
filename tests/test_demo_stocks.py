"""The demo's portfolio pages: list and totals, add, edit, delete, CSV
import, plus the validation and storage rules behind them."""

from __future__ import annotations

import io
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from demo import csv_import
from demo.portfolio import (
    Holding,
    HoldingInput,
    add_holdings,
    parse_holding,
    total_cost,
)
from demo.stocks import money, price, shares
from minflask import Flask
from minflask.testing import FlaskClient
from tests.demo_fixtures.support import (
    BOB,
    add_holding,
    add_user,
    flashes,
    holdings_of,
    login,
    make_app,
    page_token,
    post_form,
)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


@pytest.fixture
def alice(app: Flask) -> int:
    return add_user(app)


@pytest.fixture
def client(app: Flask, alice: int) -> FlaskClient:
    """Logged in as alice."""
    client = app.test_client()
    assert login(client).status_code == 302
    return client


def csv_upload(
    content: bytes | str, filename: str = "holdings.csv"
) -> dict[str, object]:
    data = content.encode() if isinstance(content, str) else content
    return {"file": (io.BytesIO(data), filename)}


# -- list and totals ---------------------------------------------------------------


def test_empty_portfolio_invites_to_add_or_import(client: FlaskClient) -> None:
    html = client.get("/stocks/").get_data(as_text=True)
    assert "No holdings yet." in html
    assert 'href="/stocks/add"' in html and 'href="/stocks/import"' in html


def test_list_shows_cost_basis_per_holding_and_total(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    add_holding(app, alice, "MSFT", "3", "310.1")
    add_holding(app, alice, "AAPL", "1000", "150.255")
    add_holding(app, alice, "AAPL", "0.333", "10")
    html = client.get("/stocks/").get_data(as_text=True)
    # By symbol, then oldest lot first; exact decimals, rounded to the cent.
    assert html.index("150,255.00") < html.index("3.33") < html.index("930.30")
    assert "150.255" in html and "310.10" in html and "1,000" in html
    assert '<td class="num total">151,188.63</td>' in html
    assert "Total cost basis (3 holdings)" in html


def test_other_users_holdings_are_not_listed(app: Flask, client: FlaskClient) -> None:
    bob = add_user(app, BOB)
    add_holding(app, bob, "TSLA", "1", "1")
    assert "TSLA" not in client.get("/stocks/").get_data(as_text=True)


# -- add, edit, delete -------------------------------------------------------------


def test_add_holding_then_see_it_with_a_flash(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    page = client.get("/stocks/add")
    assert page.status_code == 200
    assert 'action="/stocks/add"' in page.get_data(as_text=True)
    response = post_form(
        client,
        "/stocks/add",
        {"symbol": " brk.b ", "shares": "2.50", "purchase_price": "351"},
    )
    assert response.status_code == 302 and response.location == "/stocks/"
    listing = client.get("/stocks/")
    assert flashes(listing) == [("success", "Added 2.5 shares of BRK.B.")]
    assert holdings_of(app, alice) == [("BRK.B", "2.50", "351")]
    assert "877.50" in listing.get_data(as_text=True)


def test_one_share_is_singular(app: Flask, client: FlaskClient, alice: int) -> None:
    post_form(
        client,
        "/stocks/add",
        {"symbol": "AAPL", "shares": "1.0", "purchase_price": "9"},
    )
    assert flashes(client.get("/stocks/")) == [("success", "Added 1 share of AAPL.")]
    (holding_id,) = [add_holding(app, alice, "ONE", "1", "1")]
    post_form(client, f"/stocks/{holding_id}/delete")
    assert flashes(client.get("/stocks/")) == [("info", "Deleted 1 share of ONE.")]


def test_adding_a_symbol_already_held_merges_and_says_so(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    add_holding(app, alice, "AAPL", "10", "150.25")
    response = post_form(
        client,
        "/stocks/add",
        {"symbol": "aapl", "shares": "5", "purchase_price": "160"},
    )
    assert response.status_code == 302
    listing = client.get("/stocks/")
    assert flashes(listing) == [
        (
            "success",
            "Added 5 shares of AAPL to the 10 you already had: now 15 shares at an"
            " average purchase price of 153.50 (weighted by cost).",
        )
    ]
    # One row: 10 x 150.25 + 5 x 160 = 2,302.50 paid, over 15 shares.
    assert holdings_of(app, alice) == [("AAPL", "15", "153.5")]
    assert listing.get_data(as_text=True).count('<th scope="row">AAPL</th>') == 1
    assert "2,302.50" in listing.get_data(as_text=True)


def test_a_merged_price_is_rounded_to_four_places_half_up(
    app: Flask, alice: int
) -> None:
    add_holding(app, alice, "X", "3", "1")
    with app.app_context():
        (stored,) = add_holdings(alice, [HoldingInput("X", Decimal(4), Decimal(2))])
    assert stored.merged and stored.shares_before == 3
    # 11 paid over 7 shares: 1.571428... -> 1.5714
    assert holdings_of(app, alice) == [("X", "7", "1.5714")]
    assert stored.holding.cost_basis == Decimal("11.00")


def test_a_merge_past_the_share_limit_is_refused_and_changes_nothing(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    add_holding(app, alice, "X", "999999999", "1")
    response = post_form(
        client, "/stocks/add", {"symbol": "X", "shares": "2", "purchase_price": "1"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert (
        '<p class="field-error" id="shares-error">Adding 2 shares of X would make'
        " 1000000001: a holding can have at most 1,000,000,000 shares.</p>"
    ) in html
    assert 'value="X"' in html  # the form again, with what was typed
    assert holdings_of(app, alice) == [("X", "999999999", "1")]
    # The same from a file: nothing is imported, and the page says why.
    content = "symbol,shares,purchase_price\nNEW,1,1\nX,2,1\n"
    response = client.post(
        "/stocks/import", data={"csrf_token": _token(client), **csv_upload(content)}
    )
    assert response.status_code == 422
    assert flashes(response) == [
        (
            "error",
            "Adding 2 shares of X would make 1000000001: a holding can have at most"
            " 1,000,000,000 shares.",
        ),
        ("warning", "Nothing was imported from holdings.csv: fix it and try again."),
    ]
    assert holdings_of(app, alice) == [("X", "999999999", "1")]


def test_editing_a_holding_into_a_symbol_held_elsewhere_is_refused(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    add_holding(app, alice, "AAPL", "10", "150")
    msft = add_holding(app, alice, "MSFT", "4", "300")
    response = post_form(
        client,
        f"/stocks/{msft}/edit",
        {"symbol": "AAPL", "shares": "4", "purchase_price": "300"},
    )
    assert response.status_code == 422
    assert "You already hold AAPL" in response.get_data(as_text=True)
    assert holdings_of(app, alice) == [("AAPL", "10", "150"), ("MSFT", "4", "300")]
    # Keeping its own symbol is of course fine.
    response = post_form(
        client,
        f"/stocks/{msft}/edit",
        {"symbol": "MSFT", "shares": "5", "purchase_price": "300"},
    )
    assert response.status_code == 302


def test_add_with_invalid_fields_shows_each_error_and_keeps_input(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    response = post_form(
        client,
        "/stocks/add",
        {"symbol": "not a symbol", "shares": "0", "purchase_price": "1.23456"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Use 1 to 10 letters, digits, dots or hyphens" in html
    assert "Enter a number more than zero." in html
    assert "Use at most 4 decimal places." in html
    assert 'value="not a symbol"' in html and 'aria-invalid="true"' in html
    assert holdings_of(app, alice) == []


def test_edit_form_is_prefilled_and_saves(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    holding_id = add_holding(app, alice, "AAPL", "10", "150.5")
    html = client.get(f"/stocks/{holding_id}/edit").get_data(as_text=True)
    assert f'action="/stocks/{holding_id}/edit"' in html
    assert 'value="AAPL"' in html and 'value="10"' in html and 'value="150.50"' in html
    response = post_form(
        client,
        f"/stocks/{holding_id}/edit",
        {"symbol": "AAPL", "shares": "12", "purchase_price": "149.99"},
    )
    assert response.status_code == 302 and response.location == "/stocks/"
    assert flashes(client.get("/stocks/")) == [("success", "Updated AAPL.")]
    assert holdings_of(app, alice) == [("AAPL", "12", "149.99")]


def test_edit_with_invalid_fields_changes_nothing(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    holding_id = add_holding(app, alice, "AAPL", "10", "150")
    response = post_form(
        client,
        f"/stocks/{holding_id}/edit",
        {"symbol": "AAPL", "shares": "-1", "purchase_price": "abc"},
    )
    assert response.status_code == 422
    assert holdings_of(app, alice) == [("AAPL", "10", "150")]


def test_another_users_holding_is_a_404_everywhere(
    app: Flask, client: FlaskClient
) -> None:
    bob = add_user(app, BOB)
    theirs = add_holding(app, bob, "TSLA", "1", "200")
    fields = {"symbol": "TSLA", "shares": "100", "purchase_price": "1"}
    assert client.get(f"/stocks/{theirs}/edit").status_code == 404
    response = post_form(client, f"/stocks/{theirs}/edit", fields)
    assert response.status_code == 404
    assert f"There is no holding {theirs} in your portfolio." in response.get_data(
        as_text=True
    )
    assert post_form(client, f"/stocks/{theirs}/delete").status_code == 404
    assert client.get(f"/stocks/{theirs}/delete").status_code == 404
    assert holdings_of(app, bob) == [("TSLA", "1", "200")]


def test_missing_holding_is_a_404(client: FlaskClient) -> None:
    assert client.get("/stocks/999/edit").status_code == 404
    assert client.get("/stocks/abc/edit").status_code == 404


def test_delete_asks_first_on_a_page_that_needs_no_javascript(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    holding_id = add_holding(app, alice, "VTI", "12.5", "200")
    listing = client.get("/stocks/").get_data(as_text=True)
    # The list links to the question; it holds no form that deletes at once.
    assert f'href="/stocks/{holding_id}/delete"' in listing
    assert "<form" not in listing.split("<main>")[1]
    page = client.get(f"/stocks/{holding_id}/delete")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Delete VTI?</h1>" in html
    assert "12.5 shares" in html and "2,500.00" in html
    assert f'<form method="post" action="/stocks/{holding_id}/delete">' in html
    assert 'name="csrf_token"' in html and "<script" not in html
    assert 'href="/stocks/">Keep it</a>' in html
    assert holdings_of(app, alice) == [("VTI", "12.5", "200")]  # asking deletes nothing


def test_delete_holding(app: Flask, client: FlaskClient, alice: int) -> None:
    holding_id = add_holding(app, alice, "VTI", "12.5", "200")
    response = post_form(client, f"/stocks/{holding_id}/delete")
    assert response.status_code == 302 and response.location == "/stocks/"
    assert flashes(client.get("/stocks/")) == [("info", "Deleted 12.5 shares of VTI.")]
    assert holdings_of(app, alice) == []


def test_add_and_delete_need_the_csrf_token(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    holding_id = add_holding(app, alice, "VTI", "1", "1")
    fields = {"symbol": "X", "shares": "1", "purchase_price": "1"}
    assert client.post("/stocks/add", data=fields).status_code == 400
    assert client.post(f"/stocks/{holding_id}/delete").status_code == 400
    assert holdings_of(app, alice) == [("VTI", "1", "1")]


def test_pages_need_login(app: Flask) -> None:
    anonymous = app.test_client()
    for url in (
        "/stocks/",
        "/stocks/add",
        "/stocks/1/edit",
        "/stocks/import",
        "/account/",
    ):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response.location.startswith("/auth/login?next="), url


# -- CSV import --------------------------------------------------------------------


def test_import_page_explains_the_format(client: FlaskClient) -> None:
    html = client.get("/stocks/import").get_data(as_text=True)
    assert "<code>symbol,shares,purchase_price</code>" in html
    assert 'enctype="multipart/form-data"' in html and "256 KiB" in html


def test_import_adds_every_row(app: Flask, client: FlaskClient, alice: int) -> None:
    # A spreadsheet's export: byte-order mark, CRLF, columns in another
    # order, an extra column, a quoted cell and a blank line.
    content = (
        "\ufeffPurchase Price,Symbol,Shares,Note\r\n"
        "150.25,aapl,10,first lot\r\n"
        "\r\n"
        '351,BRK.B,"2.5",\r\n'
    )
    response = client.post(
        "/stocks/import",
        data={"csrf_token": _token(client), **csv_upload(content, "My Stocks.csv")},
    )
    assert response.status_code == 302 and response.location == "/stocks/"
    assert flashes(client.get("/stocks/")) == [
        ("success", "Imported 2 holdings from My_Stocks.csv.")
    ]
    assert holdings_of(app, alice) == [
        ("AAPL", "10", "150.25"),
        ("BRK.B", "2.5", "351"),
    ]


def test_import_merges_symbols_already_held_and_repeated_in_the_file(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    add_holding(app, alice, "AAPL", "10", "100")
    content = (
        "symbol,shares,purchase_price\nAAPL,10,200\nMSFT,4,300\nVTI,1,100\nVTI,1,300\n"
    )
    response = client.post(
        "/stocks/import", data={"csrf_token": _token(client), **csv_upload(content)}
    )
    assert response.status_code == 302
    assert flashes(client.get("/stocks/")) == [
        (
            "success",
            "Imported 4 rows from holdings.csv: 2 new holdings; the shares of AAPL"
            " and VTI were added to the holding of the same symbol, at the purchase"
            " price averaged by cost.",
        )
    ]
    assert holdings_of(app, alice) == [
        ("AAPL", "20", "150"),
        ("MSFT", "4", "300"),
        ("VTI", "2", "200"),
    ]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_import_reads_semicolon_and_tab_separated_files(
    app: Flask, client: FlaskClient, alice: int, delimiter: str
) -> None:
    content = "\n".join(
        delimiter.join(row)
        for row in [
            ("Symbol", "Shares", "Purchase price"),
            ("AAPL", "10", "150.25"),
            ("MSFT", "1", "300"),
        ]
    )
    response = client.post(
        "/stocks/import", data={"csrf_token": _token(client), **csv_upload(content)}
    )
    assert response.status_code == 302
    assert flashes(client.get("/stocks/")) == [
        ("success", "Imported 2 holdings from holdings.csv.")
    ]
    assert holdings_of(app, alice) == [("AAPL", "10", "150.25"), ("MSFT", "1", "300")]


def test_a_decimal_comma_gets_its_own_clear_message(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    content = "symbol;shares;purchase_price\nAAPL;10;150,25\n"
    response = client.post(
        "/stocks/import", data={"csrf_token": _token(client), **csv_upload(content)}
    )
    assert response.status_code == 422
    assert flashes(response)[0] == (
        "error",
        "Row 2: purchase price: Write the number without commas, like 1500 or 12.50.",
    )
    assert holdings_of(app, alice) == []


def test_import_with_bad_rows_imports_nothing_and_names_each_row(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    add_holding(app, alice, "KEEP", "1", "1")
    content = (
        "symbol,shares,purchase_price\n"
        "AAPL,10,150\n"
        "MSFT,-1,300\n"
        "??,1,1\n"
        "VTI,5\n"
        "GOOG,2,99.99\n"
    )
    response = client.post(
        "/stocks/import", data={"csrf_token": _token(client), **csv_upload(content)}
    )
    assert response.status_code == 422
    assert flashes(response) == [
        ("error", "Row 3: shares: Enter a number more than zero."),
        (
            "error",
            "Row 4: symbol: Use 1 to 10 letters, digits, dots or hyphens, like AAPL or BRK.B.",
        ),
        ("error", "Row 5: purchase price: Enter a number, like 12 or 12.50."),
        ("warning", "Nothing was imported from holdings.csv: fix it and try again."),
    ]
    assert holdings_of(app, alice) == [("KEEP", "1", "1")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (
            b"symbol,shares,purchase_price\n\n",
            "The file has a header row but no holdings.",
        ),
        (
            b"symbol,price\nAAPL,1\n",
            "The first row must name the columns symbol, shares and purchase_price;"
            " missing: shares, purchase_price.",
        ),
        (b"symbol,shares\xff\n", "The file is not UTF-8 text: save it as CSV UTF-8."),
        (
            b'symbol,shares,purchase_price\n"AAPL,1,1\n',
            "Row 2: not valid CSV (unexpected end of data).",
        ),
    ],
)
def test_import_reports_unusable_files(
    app: Flask, client: FlaskClient, alice: int, content: bytes, message: str
) -> None:
    response = client.post(
        "/stocks/import", data={"csrf_token": _token(client), **csv_upload(content)}
    )
    assert response.status_code == 422
    (category, text), warning = flashes(response)
    assert category == "error" and text.startswith(message)
    assert warning[0] == "warning"
    assert holdings_of(app, alice) == []


def test_import_sums_up_past_ten_errors(client: FlaskClient) -> None:
    content = "symbol,shares,purchase_price\n" + "X,0,1\n" * 14
    response = client.post(
        "/stocks/import", data={"csrf_token": _token(client), **csv_upload(content)}
    )
    messages = flashes(response)
    assert len(messages) == 12
    assert messages[9] == ("error", "Row 11: shares: Enter a number more than zero.")
    assert messages[10] == ("error", "... and 4 more problems.")


def test_import_refuses_more_rows_than_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(csv_import, "MAX_ROWS", 3)
    holdings, errors = csv_import.read_holdings(
        "symbol,shares,purchase_price\n" + "X,1,1\n" * 4
    )
    assert len(holdings) == 3
    assert errors == ["More than 3 rows: split the file."]


def test_import_without_a_file(client: FlaskClient) -> None:
    response = post_form(client, "/stocks/import")
    assert response.status_code == 400
    assert flashes(response) == [("error", "Choose a CSV file to import.")]


def test_import_checks_the_sanitized_extension(client: FlaskClient) -> None:
    response = client.post(
        "/stocks/import",
        data={
            "csrf_token": _token(client),
            **csv_upload("symbol,shares,purchase_price\n", "../../etc/passwd"),
        },
    )
    assert response.status_code == 400
    assert flashes(response) == [("error", "etc_passwd is not a .csv file.")]


def test_upload_past_the_size_limit_is_a_friendly_413(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 2048
    content = "symbol,shares,purchase_price\n" + "AAPL,1,1\n" * 400
    response = client.post(
        "/stocks/import", data={"csrf_token": _token(client), **csv_upload(content)}
    )
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "That file is too large" in html and "at most 2 KiB" in html
    assert 'href="/stocks/import"' in html
    assert holdings_of(app, alice) == []


def test_import_needs_the_csrf_token(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    content = "symbol,shares,purchase_price\nAAPL,1,1\n"
    assert client.post("/stocks/import", data=csv_upload(content)).status_code == 400
    assert holdings_of(app, alice) == []


def test_storing_is_all_or_nothing(app: Flask, alice: int) -> None:
    good = HoldingInput("AAPL", Decimal(1), Decimal(1))
    other = HoldingInput("MSFT", Decimal(1), Decimal(1))
    broken = HoldingInput(None, Decimal(1), Decimal(1))  # type: ignore[arg-type]
    with app.app_context(), pytest.raises(sqlite3.IntegrityError):
        add_holdings(alice, [good, other, good, broken])
    assert holdings_of(app, alice) == []


def _token(client: FlaskClient) -> str:
    return page_token(client)


# -- validation and formatting rules ------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"symbol": "aapl", "shares": "10", "purchase_price": "150.25"},
            ("AAPL", "10", "150.25"),
        ),
        (
            {"symbol": "BRK-B", "shares": 2.5, "purchase_price": 0.1},
            ("BRK-B", "2.5", "0.1"),
        ),
        ({"symbol": "X", "shares": 3, "purchase_price": 0}, ("X", "3", "0")),
        (
            {"symbol": "X", "shares": "1.500000000", "purchase_price": "1"},
            ("X", "1.500000000", "1"),
        ),
        ({"symbol": "X", "shares": "1e3", "purchase_price": "1"}, ("X", "1E+3", "1")),
    ],
)
def test_parse_holding_accepts(
    data: dict[str, object], expected: tuple[str, str, str]
) -> None:
    holding, errors = parse_holding(data)
    assert errors == {}
    assert holding is not None
    assert (
        holding.symbol,
        str(holding.shares),
        str(holding.purchase_price),
    ) == expected


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"shares": "1", "purchase_price": "1"}, "symbol", "Use 1 to 10"),
        (
            {"symbol": "TOOLONGSYMBOL", "shares": "1", "purchase_price": "1"},
            "symbol",
            "Use 1 to 10",
        ),
        (
            {"symbol": ".X", "shares": "1", "purchase_price": "1"},
            "symbol",
            "Use 1 to 10",
        ),
        ({"symbol": 5, "shares": "1", "purchase_price": "1"}, "symbol", "Use 1 to 10"),
        (
            {"symbol": "X", "shares": True, "purchase_price": "1"},
            "shares",
            "Enter a number, like 12 or 12.50.",
        ),
        (
            {"symbol": "X", "shares": "NaN", "purchase_price": "1"},
            "shares",
            "more than zero",
        ),
        (
            {"symbol": "X", "shares": "Infinity", "purchase_price": "1"},
            "shares",
            "more than zero",
        ),
        (
            {"symbol": "X", "shares": "1,5", "purchase_price": "1"},
            "shares",
            "Write the number without commas, like 1500 or 12.50.",
        ),
        (
            {"symbol": "X", "shares": "0.0000001", "purchase_price": "1"},
            "shares",
            "at most 6 decimal",
        ),
        (
            {"symbol": "X", "shares": "1000000001", "purchase_price": "1"},
            "shares",
            "at most 1,000,000,000",
        ),
        (
            {"symbol": "X", "shares": "1", "purchase_price": "-0.01"},
            "purchase_price",
            "zero or more",
        ),
        (
            {"symbol": "X", "shares": "1", "purchase_price": None},
            "purchase_price",
            "Enter a number, like 12 or 12.50.",
        ),
        (
            {"symbol": "X", "shares": "1", "purchase_price": [1]},
            "purchase_price",
            "Enter a number, like 12 or 12.50.",
        ),
    ],
)
def test_parse_holding_rejects(
    data: dict[str, object], field: str, message: str
) -> None:
    holding, errors = parse_holding(data)
    assert holding is None
    assert message in errors[field]


def test_cost_basis_is_exact_and_rounded_half_up() -> None:
    lots = [
        Holding("A", Decimal("0.1"), Decimal("0.05"), id=1),  # 0.005 -> 0.01
        Holding("B", Decimal("3"), Decimal("0.1"), id=2),  # 0.30, no float drift
    ]
    assert [h.cost_basis for h in lots] == [Decimal("0.01"), Decimal("0.30")]
    assert total_cost(lots) == Decimal("0.31")
    assert total_cost([]) == Decimal("0.00")


def test_template_filters() -> None:
    assert money(Decimal("1234.5")) == "1,234.50"
    assert price(Decimal("1234.5")) == "1,234.50"
    assert price(Decimal("0.1234")) == "0.1234"
    assert shares(Decimal("1000.500")) == "1,000.5"
    assert shares(Decimal("1E+3")) == "1,000"


@pytest.mark.parametrize("value", ["", "   ", "abc", "12 shares", "$5", None, [1]])
def test_every_kind_of_not_a_number_gets_the_same_message(value: object) -> None:
    _, errors = parse_holding({"symbol": "X", "shares": value, "purchase_price": value})
    assert errors == {
        "shares": "Enter a number, like 12 or 12.50.",
        "purchase_price": "Enter a number, like 12 or 12.50.",
    }
