"""Reading holdings from an uploaded CSV file.

The first row names the columns (``symbol,shares,purchase_price``, in any
order, extra columns ignored), separated by commas, semicolons or tabs.
Every row is checked before anything is stored, so a file with one bad row
imports nothing.
"""

from __future__ import annotations

import csv
import io

from .portfolio import HoldingInput, parse_holding

COLUMNS = ("symbol", "shares", "purchase_price")
#: Accepted between columns, tried in this order (see :func:`sniff_delimiter`).
DELIMITERS = (",", ";", "\t")
MAX_ROWS = 1000
_LABELS = {"symbol": "symbol", "shares": "shares", "purchase_price": "purchase price"}


def decode(data: bytes) -> str:
    """The file as text; raises ValueError unless it is UTF-8 (a leading
    byte-order mark, as spreadsheet programs write, is allowed)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("The file is not UTF-8 text: save it as CSV UTF-8.") from None


def _column(name: str) -> str:
    """A header cell as a column name: " Purchase Price" -> "purchase_price"."""
    return name.strip().lower().replace(" ", "_")


def sniff_delimiter(text: str) -> str:
    """The character between columns: the first of :data:`DELIMITERS` that
    splits the header row into every needed column name, else a comma.
    Spreadsheets set to many European languages save CSV with ';'."""
    header = text.split("\n", 1)[0]
    for delimiter in DELIMITERS:
        names = {_column(cell.strip('"')) for cell in header.split(delimiter)}
        if names.issuperset(COLUMNS):
            return delimiter
    return ","


def read_holdings(text: str) -> tuple[list[HoldingInput], list[str]]:
    """The holdings in ``text`` and one message per problem (row numbers as
    a spreadsheet shows them, the header being row 1)."""
    delimiter = sniff_delimiter(text)
    # strict: an unclosed quote is an error, not a cell that runs to the end.
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(rows, None)
        if header is None:
            return [], ["The file is empty."]
        names = [_column(cell) for cell in header]
        missing = [name for name in COLUMNS if name not in names]
        if missing:
            return [], [
                "The first row must name the columns symbol, shares and "
                f"purchase_price; missing: {', '.join(missing)}."
            ]
        where = {name: names.index(name) for name in COLUMNS}
        holdings: list[HoldingInput] = []
        errors: list[str] = []
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue  # blank lines are common at the end of files
            if len(holdings) + len(errors) == MAX_ROWS:
                errors.append(f"More than {MAX_ROWS} rows: split the file.")
                break
            values = {name: row[i] if i < len(row) else "" for name, i in where.items()}
            holding, problems = parse_holding(values)
            if holding is not None:
                holdings.append(holding)
            else:
                details = "; ".join(f"{_LABELS[f]}: {m}" for f, m in problems.items())
                errors.append(f"Row {rows.line_num}: {details}")
    except csv.Error as e:
        return [], [f"Row {rows.line_num}: not valid CSV ({e})."]
    if not holdings and not errors:
        errors.append("The file has a header row but no holdings.")
    return holdings, errors
