"""The signed session cookie's wire format, written and read in one pass.

:class:`itsdangerous.URLSafeTimedSerializer` builds a new signer and derives
the signing key again (an extra HMAC) for every cookie it writes or reads,
and goes through several layers of helpers on the way. The format itself
is small and stable: ``payload.timestamp.signature``, each part URL-safe
base64 without padding, the payload zlib-compressed (and marked with a
leading ``.``) when that makes it shorter. :class:`CookieCodec` produces and
accepts exactly that, byte for byte, with the keys derived once; anything
it does not recognise keeps using itsdangerous.
"""

from __future__ import annotations

import hmac
import struct
import typing as t
import zlib
from binascii import a2b_base64, b2a_base64

from itsdangerous import (
    BadPayload,
    BadSignature,
    BadTimeSignature,
    SignatureExpired,
    TimestampSigner,
    URLSafeTimedSerializer,
)
from itsdangerous.signer import HMACAlgorithm

try:
    from ._speedups.cookie_codec import SHORTEST_COMPRESSIBLE, PaddedHMAC
except ImportError:  # the plain road: hmac.digest, and zlib asked every time
    PaddedHMAC = None  # type: ignore[assignment,misc]
    SHORTEST_COMPRESSIBLE = 0

__all__ = ["CookieCodec"]

#: A timestamp as 8 big-endian bytes (leading zero bytes are then dropped).
_pack_timestamp = struct.Struct(">Q").pack

#: The largest timestamp that surely converts to a datetime; beyond it (or
#: below zero) the conversion is attempted so its error surfaces as it would.
_SAFE_TIMESTAMP = 253402300799  # 9999-12-31T23:59:59Z


# What base64.urlsafe_b64encode/urlsafe_b64decode do around binascii,
# minus their argument checks (called a few times per cookie).
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")


def _b64encode(data: bytes) -> bytes:
    """URL-safe base64 without the ``=`` padding."""
    return b2a_base64(data, newline=False).translate(_TO_URLSAFE).rstrip(b"=")


def _b64decode(data: bytes) -> bytes:
    """Decode URL-safe base64 whose padding may have been stripped.

    Raises :exc:`ValueError` (:exc:`binascii.Error`) for malformed input;
    characters outside the alphabet are skipped, as itsdangerous does.
    """
    return a2b_base64((data + b"=" * (-len(data) % 4)).translate(_FROM_URLSAFE))


class CookieCodec:
    """Sign and verify cookies in :class:`~itsdangerous.URLSafeTimedSerializer`'s
    format with the keys, salt, digest and data serializer of one such
    serializer, derived once.

    Build it with :meth:`for_serializer`, which declines configurations it
    does not reproduce exactly.
    """

    __slots__ = (
        "_digest",
        "_macs",
        "_serializer",
        "_signer",
        "_verify_keys",
    )

    def __init__(self, serializer: URLSafeTimedSerializer) -> None:
        signer = serializer.make_signer()
        assert isinstance(signer, TimestampSigner)
        # Kept for its timestamp methods, so a subclass or a test patching
        # ``TimestampSigner.get_timestamp`` is still obeyed.
        self._signer = signer
        self._serializer = serializer.serializer
        self._digest = signer.algorithm.digest_method  # type: ignore[attr-defined]
        # Newest key first, as itsdangerous tries them.
        self._verify_keys = [
            signer.derive_key(key) for key in reversed(signer.secret_keys)
        ]
        # One HMAC function per key, in the same order, the first signing.
        self._macs = [self._mac_for(key) for key in self._verify_keys]

    def _mac_for(self, key: bytes) -> t.Callable[[bytes], bytes]:
        """``value -> hmac.digest(key, value, digest)``, from the key's
        precomputed pads (minflask._speedups.cookie_codec) where possible."""
        digest = self._digest
        if PaddedHMAC is not None:
            padded = PaddedHMAC.for_key(key, digest)
            if padded is not None:
                return padded.digest

        def mac(value: bytes) -> bytes:
            return hmac.digest(key, value, digest)

        return mac

    @classmethod
    def for_serializer(cls, serializer: t.Any) -> CookieCodec | None:
        """A codec equivalent to ``serializer``, or ``None`` when it is not a
        plain URL-safe timed serializer with an HMAC timestamp signer."""
        if (
            type(serializer) is not URLSafeTimedSerializer
            or serializer.signer is not TimestampSigner
            or not serializer.is_text_serializer
            or serializer.serializer_kwargs
            or serializer.fallback_signers
            or not serializer.signer_kwargs.keys()
            <= {"key_derivation", "digest_method"}
        ):
            return None
        try:
            codec = cls(serializer)
            signer = codec._signer
            if type(signer.algorithm) is not HMACAlgorithm or signer.sep != b".":
                return None
            # Each must read what the other writes: a guard against a future
            # itsdangerous changing the format.
            probe = {"minflask": "probe"}
            same = codec.loads(serializer.dumps(probe)) == probe
            same = same and serializer.loads(codec.dumps(probe)) == probe
        except Exception:  # an unusual key or serializer: leave it to itsdangerous
            return None
        return codec if same else None

    def dumps(self, obj: t.Any) -> str:
        """Serialize, compress if shorter, timestamp and sign ``obj``."""
        data = self._serializer.dumps(obj).encode()
        compressed = None
        if len(data) >= SHORTEST_COMPRESSIBLE:
            compressed = zlib.compress(data)
        if compressed is not None and len(compressed) < len(data) - 1:
            payload = b"." + _b64encode(compressed)
        else:
            payload = _b64encode(data)
        timestamp = self._signer.get_timestamp()
        stamp = _b64encode(_pack_timestamp(timestamp).lstrip(b"\x00"))
        value = payload + b"." + stamp
        signature = _b64encode(self._macs[0](value))
        return (value + b"." + signature).decode()

    def loads(self, cookie: str, max_age: int | None = None) -> t.Any:
        """Verify ``cookie`` and return its data.

        Raises :exc:`~itsdangerous.BadSignature` (or its subclasses) for a
        tampered, malformed, expired or future cookie, and
        :exc:`~itsdangerous.BadPayload` for a correctly signed one whose
        data does not load: the same outcomes as itsdangerous.
        """
        value, sep, signature = cookie.encode().rpartition(b".")
        if not sep:
            raise BadSignature("No b'.' found in value")
        if not self._verify(value, signature):
            raise BadTimeSignature(f"Signature {signature!r} does not match")
        payload, sep, stamp = value.rpartition(b".")
        if not sep:
            raise BadTimeSignature("timestamp missing")
        try:
            stamp_bytes = _b64decode(stamp)
        except ValueError:
            raise BadTimeSignature("Malformed timestamp") from None
        if len(stamp_bytes) > 8:
            raise BadTimeSignature("Malformed timestamp")
        timestamp = int.from_bytes(stamp_bytes, "big")
        if max_age is not None:
            age = self._signer.get_timestamp() - timestamp
            if age > max_age or age < 0:
                # Converting an absurd timestamp fails as itsdangerous's does.
                self._signer.timestamp_to_datetime(timestamp)
                raise SignatureExpired(f"Signature age {age} is outside 0..{max_age}")
        if timestamp > _SAFE_TIMESTAMP:
            self._signer.timestamp_to_datetime(timestamp)
        return self._load_payload(payload)

    def _verify(self, value: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is ``value``'s HMAC under any of the keys."""
        try:
            expected = _b64decode(signature)
        except ValueError:  # binascii.Error is one
            return False
        macs = self._macs
        if hmac.compare_digest(expected, macs[0](value)):  # the current key
            return True
        return any(hmac.compare_digest(expected, mac(value)) for mac in macs[1:])

    def _load_payload(self, payload: bytes) -> t.Any:
        """Decode, decompress if marked, and deserialize a verified payload."""
        compressed = payload[:1] == b"."
        if compressed:
            payload = payload[1:]
        try:
            data = _b64decode(payload)
            if compressed:
                data = zlib.decompress(data)
            text = data.decode()
        except Exception as e:
            raise BadPayload("Could not decode the payload", original_error=e) from e
        try:
            return self._serializer.loads(text)
        except Exception as e:
            raise BadPayload(
                "Could not load the payload because an exception occurred on"
                " unserializing the data.",
                original_error=e,
            ) from e
