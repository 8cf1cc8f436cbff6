"""Hide secrets before the inspector shows or exports anything.

Masked: the ``Authorization`` (and ``Proxy-Authorization``) header, every
cookie value (in ``Cookie`` and ``Set-Cookie``), any field whose name looks
like a password, token, secret or CSRF value, and the app's ``SECRET_KEY``
(and its fallbacks) wherever its text appears.
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import Iterable

#: What a masked value is shown as.
MASK = "•••••"

#: Field and header names whose values are secrets.
SECRET_NAME = re.compile(
    r"pass(word|wd|phrase)?|pwd|token|secret|csrf|xsrf|api[-_]?key|credential"
    r"|authorization|signature",
    re.IGNORECASE,
)

_COOKIE_HEADERS = {"cookie", "set-cookie"}


def is_secret_name(name: str) -> bool:
    """Whether a field or header called ``name`` holds a secret."""
    return bool(SECRET_NAME.search(name))


def mask_cookie_header(value: str) -> str:
    """``a=1; b=2`` -> ``a=•••; b=•••`` (the names stay)."""
    parts = []
    for part in value.split(";"):
        name, eq, _ = part.partition("=")
        parts.append(f"{name.strip()}={MASK}" if eq else part.strip())
    return "; ".join(parts)


def mask_set_cookie(value: str) -> str:
    """``session=abc; Path=/; HttpOnly`` -> ``session=•••; Path=/; HttpOnly``."""
    first, sep, rest = value.partition(";")
    name, eq, _ = first.partition("=")
    masked = f"{name.strip()}={MASK}" if eq else first
    return f"{masked}{sep}{rest}"


def _is_header_pair(name: str) -> bool:
    """Whether ``[name, value]`` is a secret header as a trace lists them
    (``["Set-Cookie", "..."]``), not a list of two names such as context
    keys (``["csrf_token", "form"]``): header names are capitalized."""
    if name.lower() in _COOKIE_HEADERS:
        return True
    return name[:1].isupper() and is_secret_name(name)


class Masker:
    """Masks the secrets of one app: its secret keys and secret-named fields."""

    def __init__(self, secret_keys: Iterable[t.Any]) -> None:
        texts = set()
        for key in secret_keys:
            if isinstance(key, bytes):
                key = key.decode("utf-8", "replace")
            if isinstance(key, str) and len(key) >= 4:
                texts.add(key)
        # Longest first, so a key containing another is replaced whole.
        self.secrets = sorted(texts, key=len, reverse=True)

    def text(self, value: str) -> str:
        """``value`` with the secret keys' text replaced."""
        for secret in self.secrets:
            if secret in value:
                value = value.replace(secret, f"{MASK} (SECRET_KEY)")
        return value

    def header(self, name: str, value: str) -> str:
        """One header's value as it may be shown."""
        lower = name.lower()
        if lower == "cookie":
            return mask_cookie_header(value)
        if lower == "set-cookie":
            return mask_set_cookie(value)
        if is_secret_name(name):
            return MASK
        return self.text(value)

    def field(self, name: str, value: str) -> str:
        """One form, query or session field's value as it may be shown."""
        return MASK if is_secret_name(name) else self.text(value)

    def data(self, value: t.Any, key: str | None = None) -> t.Any:
        """JSON-ready data with secrets masked: values under secret-named
        keys, cookie headers in ``[name, value]`` pairs, secret key text."""
        if (
            key is not None
            and is_secret_name(key)
            and value not in (None, "")
            and not isinstance(value, (dict, list))
        ):
            return MASK
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.data(v, str(k)) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            if (
                len(value) == 2
                and isinstance(value[0], str)
                and isinstance(value[1], str)
                and _is_header_pair(value[0])
            ):
                return [value[0], self.header(value[0], value[1])]
            return [self.data(item) for item in value]
        return value
