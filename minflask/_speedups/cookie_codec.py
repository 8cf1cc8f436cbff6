"""The signed cookie's HMAC and compression, for less per cookie.

Signing and checking the session cookie computes an HMAC or two per
request. :class:`PaddedHMAC` keeps the hash states of the key's inner and
outer pads (RFC 2104) and copies them for each message, instead of setting
the key up again every time as ``hmac.digest`` does. And a payload of at
most :data:`SHORTEST_COMPRESSIBLE` - 1 bytes is not handed to zlib, whose
output could never be short enough to be used (see there).

Without this module, :mod:`minflask._cookie_codec` calls ``hmac.digest``
and ``zlib.compress`` for every cookie.
"""

from __future__ import annotations

import hmac
import typing as t

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
