"""A shorter road to ``request.form`` for urlencoded bodies.

Werkzeug reads every form body through a generic parser object: it builds
the parser, dispatches on the mimetype and hands the body to
:func:`urllib.parse.parse_qsl`. For ``application/x-www-form-urlencoded``,
what browsers send for ordinary forms, all of that comes down to reading
the body, decoding it as UTF-8 and splitting it into pairs.
:func:`load_urlencoded_form` does only that, with the same results: the
same bytes (``request.get_data(cache=False)``: the data an earlier
``get_data()`` cached, else the limited ``request.stream``), the same pairs (``+`` as space, ``%XX`` decoded, invalid UTF-8
escapes kept percent-encoded), an empty form when the body is not UTF-8, and
Werkzeug's 413/400 errors from the stream itself.

Without this module, every form body goes through Werkzeug's parser.
"""

from __future__ import annotations

import typing as t
from urllib.parse import unquote

# Registers the "werkzeug.url_quote" codec error handler used below.
import werkzeug.urls  # noqa: F401
from werkzeug.formparser import FormDataParser
from werkzeug.wrappers import Request as _WerkzeugRequest

from .memo import Memo

if t.TYPE_CHECKING:  # pragma: no cover
    from werkzeug.datastructures import MultiDict

__all__ = ["load_urlencoded_form", "parse_urlencoded"]

_URLENCODED = "application/x-www-form-urlencoded"

#: Request class -> whether it parses forms as Werkzeug's own does (nothing
#: on the way overridden), so the short road gives the same result.
_standard_parsing: Memo[type, bool] = Memo(256)


def parse_urlencoded(text: str) -> list[tuple[str, str]]:
    """Split urlencoded ``text`` into ``(name, value)`` pairs as
    ``parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")``
    does, calling :func:`~urllib.parse.unquote` only for escaped parts."""
    pairs = []
    for field in text.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        if "+" in name:
            name = name.replace("+", " ")
        if "%" in name:
            name = unquote(name, "utf-8", "werkzeug.url_quote")
        if "+" in value:
            value = value.replace("+", " ")
        if "%" in value:
            value = unquote(value, "utf-8", "werkzeug.url_quote")
        pairs.append((name, value))
    return pairs


def load_urlencoded_form(request: _WerkzeugRequest) -> bool:
    """Parse ``request``'s urlencoded body into ``form`` and ``files`` as
    Werkzeug's form loading would.

    Returns ``False``, having done nothing, for any other body, or when the
    request's class changes how forms are parsed; the caller then takes
    Werkzeug's road.
    """
    content_type = request.environ.get("CONTENT_TYPE")
    if not content_type or (
        content_type != _URLENCODED and request.mimetype != _URLENCODED
    ):
        return False
    cls = type(request)
    standard = _standard_parsing.get(cls)
    if standard is None:
        standard = _standard_parsing.keep(cls, _parses_like_werkzeug(cls))
    if not standard:
        return False

    storage: type[MultiDict[str, t.Any]] = request.parameter_storage_class
    data = request.get_data(cache=False)
    try:
        form = storage(parse_urlencoded(data.decode()))
        files = storage()
    except ValueError:  # e.g. a body that is not UTF-8: no form, as Werkzeug
        form, files = storage(), storage()
    request.__dict__.update(form=form, files=files)
    return True


def _parses_like_werkzeug(cls: type) -> bool:
    """Whether ``cls`` reaches the urlencoded parser the way Werkzeug's
    ``Request`` does."""
    from ..wrappers import Request as ours

    base = _WerkzeugRequest
    return (
        cls.form_data_parser_class is FormDataParser  # type: ignore[attr-defined]
        and cls.make_form_data_parser is base.make_form_data_parser  # type: ignore[attr-defined]
        and cls.want_form_data_parsed is base.want_form_data_parsed  # type: ignore[attr-defined]
        and cls.get_data in (base.get_data, ours.get_data)  # type: ignore[attr-defined]
        and cls.stream in (base.stream, ours.stream)  # type: ignore[attr-defined]
    )
