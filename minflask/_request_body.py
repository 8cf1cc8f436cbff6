"""The request body as the app reads it: the server's input stream, with
its read errors turned into the client's 400.

A WSGI server hands the body over as ``wsgi.input`` and reports a body it
cannot deliver by raising while the app reads it. Those errors are the
client's (a malformed chunked body, a dropped connection), so
:class:`ClientBody`, which ``Request.stream`` returns, raises them as
:exc:`~werkzeug.exceptions.BadRequest` for every parser that reads it.
"""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import BadRequest, HTTPException

__all__ = ["ClientBody", "unreadable_body"]


class ClientBody:
    """A request body stream whose read errors are the client's.

    What the server's input raises while the body is read (an ``OSError``
    for a reset connection or a timeout; gunicorn's own errors for a bad
    chunk size or a chunk without its CRLF, ``IOError`` subclasses before
    gunicorn 22 and ``ParseException`` ones since) becomes a
    :exc:`~werkzeug.exceptions.BadRequest`, which any parser reading the
    body lets through as the 400 it is. HTTP errors raised on the way
    (Werkzeug's 413 for a body over the limit) pass unchanged.

    A plain object rather than an :class:`io.RawIOBase` (which costs several
    calls per request to set up and tear down): the reading methods are its
    own, anything else (``closed``, ``seekable``, ``exhaust``...) is the
    stream's.
    """

    __slots__ = ("_raw",)

    def __init__(self, raw: t.IO[bytes]) -> None:
        self._raw = raw

    def __getattr__(self, name: str) -> t.Any:
        return getattr(self._raw, name)

    def read(self, size: int | None = -1) -> bytes:
        try:
            return self._raw.read(-1 if size is None else size)
        except HTTPException:
            raise
        except Exception as e:
            raise unreadable_body(e) from e

    def readline(self, size: int | None = -1) -> bytes:
        try:
            return self._raw.readline(-1 if size is None else size)
        except HTTPException:
            raise
        except Exception as e:
            raise unreadable_body(e) from e

    def readlines(self, hint: int = -1) -> list[bytes]:
        lines = []
        total = 0
        for line in self:
            lines.append(line)
            total += len(line)
            if 0 < hint <= total:
                break
        return lines

    def readinto(self, buffer: t.Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readable(self) -> bool:
        return True

    def __iter__(self) -> ClientBody:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def __enter__(self) -> ClientBody:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._raw.close()


def unreadable_body(error: Exception) -> BadRequest:
    """The 400 for a body that failed mid-read. The server's message (it
    names the malformed part) is kept as the exception's cause for logs,
    not sent to the client."""
    return BadRequest(
        "The request body could not be read: the client sent it malformed"
        f" or stopped sending it ({type(error).__name__})."
    )
