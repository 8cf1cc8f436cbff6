"""The application logger and its default handler.

Log records go to the WSGI server's error stream while a request is being
handled, and to ``sys.stderr`` otherwise. The default handler is added only
when nothing in the logger's chain would already show its records.
"""

from __future__ import annotations

import logging
import sys
import typing as t

from werkzeug.local import LocalProxy

from .globals import request

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask


def _current_errors_stream() -> t.TextIO:
    """Return the request's ``wsgi.errors`` stream, else ``sys.stderr``."""
    if request:
        return t.cast(t.TextIO, request.environ["wsgi.errors"])
    return sys.stderr


#: Stream proxy resolved on every write, so one handler follows each request.
#: Usable from logging config files as ``ext://minflask.logging.wsgi_errors_stream``.
wsgi_errors_stream: t.TextIO = LocalProxy(  # type: ignore[assignment]
    _current_errors_stream
)


def has_level_handler(logger: logging.Logger) -> bool:
    """Tell whether a handler in ``logger``'s chain takes its effective level.

    Walks up through parents only while ``propagate`` lets records travel.
    """
    level = logger.getEffectiveLevel()
    current: logging.Logger | None = logger

    while current is not None:
        if any(handler.level <= level for handler in current.handlers):
            return True
        if not current.propagate:
            return False
        current = current.parent

    return False


#: Handler added to application loggers that would otherwise stay silent.
default_handler = logging.StreamHandler(wsgi_errors_stream)
default_handler.setFormatter(
    logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
)


def create_logger(app: Flask) -> logging.Logger:
    """Return the logger named after ``app``, configured for its debug mode.

    In debug mode an unset level becomes DEBUG. :data:`default_handler` is
    added only if no existing handler would output the logger's level.
    """
    logger = logging.getLogger(app.name)

    if app.debug and not logger.level:
        logger.setLevel(logging.DEBUG)

    if not has_level_handler(logger):
        logger.addHandler(default_handler)

    return logger
