"""The session cookie's ``Set-Cookie`` header, from a template per setting.

Saving a session sets the same cookie with a new value on every request:
the name and attributes (domain, path, secure, httponly, samesite,
partitioned) come from the app's config and rarely change. Werkzeug's
``dump_cookie`` quotes the path, encodes the domain, checks samesite and
joins the attributes every time. :func:`session_cookie_header` asks
``dump_cookie`` once per setting, keeps the text around the value, and
puts each new value in between. It does so only where that is the same
text: a value that ``dump_cookie`` leaves unquoted (a signed cookie's
URL-safe base64 always is), no ``Expires`` (a browser session), and a
header within the size limit (``dump_cookie`` would warn). Everything else
is left to ``Response.set_cookie``.

Reading the cookie, :func:`lone_cookie_value` answers without parsing
the ``Cookie`` header into ``request.cookies`` when that header is just
``name=value``, the session cookie with a plain value: what Werkzeug's
``parse_cookie`` would make of it is then plain to see.

Without this module, :mod:`minflask.sessions` reads ``request.cookies``
and calls ``set_cookie`` every time.
"""

from __future__ import annotations

import re
import typing as t

from werkzeug.http import dump_cookie

from .memo import Memo

#: Values spliced into a template: URL-safe base64 and dots, which RFC 6265
#: allows in a cookie value as they are (``dump_cookie`` does not quote them).
_plain_value = re.compile(r"[A-Za-z0-9_.\-]+").fullmatch

#: A cookie name Werkzeug's parser reads as one key (no space, tab, ``=``,
#: ``"`` or ``;``).
_plain_name = re.compile(r'[^ \t=";]+').fullmatch

#: Stand-ins whose place in ``dump_cookie``'s output marks the value's.
_PROBE = "MinflaskProbe0_9-z.Q"
_CHECK = "c.0-_Z"

#: ``(name, attributes) -> (text before the value, text after it)``, or
#: ``None`` where a template would not give ``dump_cookie``'s text.
_templates: Memo[tuple[t.Any, ...], tuple[str, str] | None] = Memo(64)


def _template(key: tuple[t.Any, ...]) -> tuple[str, str] | None:
    """The text around the value in ``dump_cookie``'s header for ``key``,
    checked against a second value; ``None`` if it does not split so (or
    ``dump_cookie`` rejects the settings: the plain road then raises)."""
    name, domain, path, secure, httponly, samesite, partitioned = key
    options: dict[str, t.Any] = {
        "domain": domain,
        "path": path,
        "secure": secure,
        "httponly": httponly,
        "samesite": samesite,
        "partitioned": partitioned,
        "max_size": 0,
    }
    try:
        probe = dump_cookie(name, _PROBE, **options)
        check = dump_cookie(name, _CHECK, **options)
    except Exception:  # an invalid setting: Werkzeug's own error, on the plain road
        return _templates.keep(key, None)
    template = None
    if probe.count(_PROBE) == 1:
        head, _, tail = probe.partition(_PROBE)
        if check == f"{head}{_CHECK}{tail}":
            template = (head, tail)
    return _templates.keep(key, template)


def session_cookie_header(
    name: str, value: str, options: t.Mapping[str, t.Any], max_size: int
) -> str | None:
    """``dump_cookie(name, value, max_size=max_size, **options)`` for a
    cookie without ``Expires``, or ``None`` when this shortcut does not
    apply (the caller then calls ``Response.set_cookie``)."""
    if type(value) is not str or not _plain_value(value):
        return None
    key = (
        name,
        options["domain"],
        options["path"],
        options["secure"],
        options["httponly"],
        options["samesite"],
        options["partitioned"],
    )
    try:
        known = key in _templates
    except TypeError:  # an unhashable setting
        return None
    template = _templates[key] if known else _template(key)
    if template is None:
        return None
    head, tail = template
    header = f"{head}{value}{tail}"
    if max_size and len(header) > max_size:
        return None  # dump_cookie warns about it
    return header


def lone_cookie_value(request: t.Any, name: str) -> str | None:
    """``request.cookies.get(name) or ""`` when the request's ``Cookie``
    header is absent or exactly ``name=value`` with a plain value (as a
    session cookie's is), read without parsing; ``None`` for anything
    else, where the caller asks ``request.cookies``.

    Only for minflask's own ``Request.cookies`` (which reads the environ's
    ``HTTP_COOKIE``) not yet computed, on a request whose headers were not
    replaced."""
    from ..wrappers import Request

    if (
        type(request).cookies is not Request.cookies
        or "cookies" in request.__dict__
        or "headers" in request.__dict__
    ):
        return None
    header = request.environ.get("HTTP_COOKIE")
    if not header:
        return ""
    start = len(name) + 1
    if (
        header[:start] == f"{name}="
        and _plain_value(header, start) is not None
        and _plain_name(name) is not None
    ):
        return header[start:]  # type: ignore[no-any-return]
    return None
