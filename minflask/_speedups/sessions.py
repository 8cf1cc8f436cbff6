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

Signing and checking the cookie computes an HMAC or two per request.
:class:`PaddedHMAC` keeps the hash states of the key's inner and outer pads
(RFC 2104) and copies them for each message, instead of setting the key up
again every time as ``hmac.digest`` does. And a payload of at most
:data:`SHORTEST_COMPRESSIBLE` - 1 bytes is not handed to zlib, whose output
could never be short enough to be used (see there).

Without this module, :mod:`minflask.sessions` calls ``set_cookie`` every
time, and :mod:`minflask._cookie_codec` calls ``hmac.digest`` and
``zlib.compress``.
"""

from __future__ import annotations

import hmac
import re
import typing as t

from werkzeug.http import dump_cookie

from .memo import Memo

#: Values spliced into a template: URL-safe base64 and dots, which RFC 6265
#: allows in a cookie value as they are (``dump_cookie`` does not quote them).
_plain_value = re.compile(r"[A-Za-z0-9_.\-]+").fullmatch

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


#: Payloads shorter than this are sent uncompressed without asking zlib:
#: its output is used only when at least two bytes shorter, and it can
#: never be for 11 bytes or fewer. zlib adds a 2-byte header and a 4-byte
#: checksum to the deflate stream; that stream needs a 3-bit block header,
#: the first byte as a literal (8 bits at least), the rest as literals or
#: at least one match (12 bits at least) and the 7-bit end code: 30 bits,
#: so 4 bytes, 10 in all, and 10 is not below 11 - 1.
SHORTEST_COMPRESSIBLE = 12


class PaddedHMAC:
    """``hmac.digest(key, message, digest)`` for one key and a hashlib
    constructor, from the hash states of the key's two pads."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes, digest: t.Callable[..., t.Any]) -> None:
        inner, outer = digest(), digest()
        block = inner.block_size
        if len(key) > block:
            key = digest(key).digest()
        key = key.ljust(block, b"\0")
        inner.update(bytes(byte ^ 0x36 for byte in key))
        outer.update(bytes(byte ^ 0x5C for byte in key))
        self._inner = inner
        self._outer = outer

    @classmethod
    def for_key(cls, key: bytes, digest: t.Callable[..., t.Any]) -> PaddedHMAC | None:
        """One for ``key`` if ``digest`` makes hashlib-like objects and the
        result is ``hmac.digest``'s; ``None`` otherwise."""
        try:
            padded = cls(key, digest)
            probe = b"minflask.probe"
            if padded.digest(probe) != hmac.digest(key, probe, digest):
                return None
        except Exception:  # not a hashlib constructor: hmac.digest then
            return None
        return padded

    def digest(self, message: bytes) -> bytes:
        """The HMAC of ``message``."""
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()  # type: ignore[no-any-return]
