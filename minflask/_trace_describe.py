"""Words for what a trace sees: values, exceptions, conversions, sessions,
URL matches and where code lives. Pure functions, used by
:mod:`minflask.tracing`; nothing here changes the objects it describes
(a response's headers are peeked at, never built)."""

from __future__ import annotations

import inspect
import os
import reprlib
import sys
import typing as t
from collections.abc import Iterator, Mapping
from functools import lru_cache
from urllib.parse import urlsplit

from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

if t.TYPE_CHECKING:  # pragma: no cover
    from .wrappers import Request, Response

Details = dict[str, t.Any]

_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60
_short.maxlist = _short.maxdict = _short.maxtuple = 4


# -- code and files --------------------------------------------------------------


def qualified_name(func: t.Any) -> str:
    """``module.qualname`` of a function, a class-based view or a callable."""
    target = getattr(func, "view_class", None) or func
    module = getattr(target, "__module__", None)
    name = getattr(target, "__qualname__", None) or type(target).__qualname__
    return f"{module}.{name}" if module else name


def display_path(path: str) -> str:
    """``path`` relative to the folder holding its top-level package (so
    ``minflask/app.py``, ``demo/templates/base.html``), else to the
    ``sys.path`` entry holding it, else as given."""
    # Cached: an installed tracer asks for the same few files on every
    # request. The key holds what the answer depends on.
    return _display_path(path, os.getcwd(), tuple(sys.path))


@lru_cache(maxsize=1024)
def _display_path(path: str, cwd: str, sys_path: tuple[str, ...]) -> str:
    path = os.path.abspath(path)
    root = _package_root(os.path.dirname(path))
    if root is None:
        entries = (os.path.abspath(entry or os.curdir) for entry in sys.path)
        root = max(
            (entry for entry in entries if path.startswith(entry + os.sep)),
            key=len,
            default=None,
        )
    return path if root is None else os.path.relpath(path, root)


@lru_cache(maxsize=256)
def _package_root(folder: str) -> str | None:
    """The parent of the outermost package enclosing ``folder``, if any."""
    package = None
    while True:
        if os.path.isfile(os.path.join(folder, "__init__.py")):
            package = folder
        elif package is not None:
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def source_of(func: t.Any) -> str | None:
    """``file.py:line`` where ``func`` (or what it wraps) is defined."""
    try:
        target = inspect.unwrap(func)
    except ValueError:  # a __wrapped__ cycle
        target = func
    target = getattr(target, "__func__", target)
    code = getattr(target, "__code__", None)
    if code is None:
        return None
    return f"{display_path(code.co_filename)}:{code.co_firstlineno}"


def scope_label(scope: str | None) -> str:
    """How a registry scope reads: ``app`` or ``blueprint 'name'``."""
    return "app" if scope is None else f"blueprint {scope!r}"


# -- values and exceptions -----------------------------------------------------------


def describe_value(value: t.Any) -> str:
    """Type and a short repr: ``str (1,234 chars) '<!doctype html>...'``."""
    kind = type(value).__name__
    if isinstance(value, (str, bytes, bytearray)):
        unit = "chars" if isinstance(value, str) else "bytes"
        return f"{kind} ({len(value):,} {unit}) {_short.repr(value)}"
    if isinstance(value, HTTPException):
        return describe_exception(value)
    if hasattr(value, "status") and hasattr(value, "get_wsgi_response"):
        return f"{kind} {value.status}"
    if isinstance(value, Iterator):
        return f"{kind} (an iterator)"
    return f"{kind} {_short.repr(value)}"


def describe_exception(error: BaseException | None) -> str:
    """``NotFound (404 Not Found)``, ``ValueError: message`` or ``None``."""
    if error is None:
        return "None"
    kind = type(error).__name__
    if isinstance(error, HTTPException) and error.code is not None:
        return f"{kind} ({error.code} {error.name})"
    message = str(error)
    return f"{kind}: {_short.repr(message)[1:-1]}" if message else kind


def raised_at(error: BaseException) -> str | None:
    """Where ``error`` was raised in the app's own code: the innermost frame
    outside minflask and Werkzeug (the line calling ``abort``); None when it
    came from the framework itself (routing errors)."""
    frames: list[str] = []
    tb = error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        frames.append(f"{display_path(code.co_filename)}:{tb.tb_lineno}")
        tb = tb.tb_next
    framework = ("minflask" + os.sep, "werkzeug" + os.sep)
    for frame in reversed(frames):
        if not frame.startswith(framework):
            return frame
    return None


def exception_details(error: BaseException) -> Details:
    """The exception and, when the app's code raised it, where."""
    details: Details = {"exception": describe_exception(error)}
    where = raised_at(error)
    if where is not None:
        details["raised at"] = where
    return details


# -- responses ---------------------------------------------------------------------


def describe_conversion(rv: t.Any, response: Response) -> str:
    """How ``make_response`` turned ``rv`` into ``response``, e.g.
    ``tuple (body, status): str -> text/html response, 201 CREATED``."""
    parts: list[str] = []
    body = rv
    if isinstance(rv, tuple):
        if len(rv) == 3:
            shape = "(body, status, headers)"
        elif isinstance(rv[1], (Headers, dict, tuple, list)):
            shape = "(body, headers)"
        else:
            shape = "(body, status)"
        parts.append(f"tuple {shape}")
        body = rv[0]
    kind = type(body).__name__
    if isinstance(body, (str, bytes, bytearray)):
        parts.append(f"{kind} -> {peek_content_type(response) or 'no-type'} response")
    elif isinstance(body, (dict, list)):
        parts.append(f"{kind} -> JSON response (app.json.response)")
    elif isinstance(body, HTTPException):
        parts.append(f"{kind} (an HTTPException) -> its error page (force_type)")
    elif body is response:
        parts.append(f"{kind} returned as is")
    elif isinstance(body, Iterator):
        parts.append(f"{kind} -> streamed response")
    elif callable(body):
        parts.append(f"{kind} (a WSGI callable) -> response (force_type)")
    else:
        parts.append(kind)
    return f"{': '.join(parts)}, {response.status}"


def peek_content_type(response: Response) -> str | None:
    """The Content-Type without building the headers: a response made by
    the fast path only records the value until its headers are read."""
    headers = vars(response).get("headers")
    if headers is not None:
        return t.cast("str | None", headers.get("Content-Type"))
    return getattr(response, "_content_type", None)


def peek_set_cookies(response: Response) -> list[str]:
    """Set-Cookie values already on the response, without building headers."""
    headers = vars(response).get("headers")
    return [] if headers is None else list(headers.getlist("Set-Cookie"))


# -- URL matching ------------------------------------------------------------------


def describe_match(request: Request) -> tuple[str, Details]:
    """Title and details of a URL match: the rule found, or the routing
    error and why."""
    path, error = request.path, request.routing_exception
    details: Details = {}
    if error is None and request.url_rule is not None:
        rule = request.url_rule
        title = f"match URL {path} -> rule {rule.rule!r}, endpoint {rule.endpoint!r}"
        details["view args"] = dict(request.view_args or {})
        details["methods"] = sorted(rule.methods or ())
        return title, details
    if isinstance(error, RequestRedirect):
        title = f"match URL {path} -> {error.code} redirect to {error.new_url}"
        details["why"] = _redirect_reason(path, error.new_url)
    elif isinstance(error, MethodNotAllowed):
        allowed = sorted(error.valid_methods or ())
        title = f"match URL {path} -> 405: {request.method} not allowed"
        details["why"] = f"rules match this URL for {', '.join(allowed)} only"
        details["allowed methods"] = allowed
    elif isinstance(error, NotFound):
        title = f"match URL {path} -> 404: no rule matches"
    elif error is not None:
        title = f"match URL {path} -> {describe_exception(error)}"
    else:
        title = f"match URL {path} -> nothing matched"
    details["note"] = "the routing error is raised in dispatch_request"
    return title, details


def _redirect_reason(path: str, new_url: str) -> str:
    """Why routing redirected: usually the rule's trailing slash."""
    if urlsplit(new_url).path == path + "/":
        return (
            "the rule ends with a slash and the URL does not (strict_slashes):"
            " redirect to the slash URL"
        )
    return "the rule has a canonical URL of its own (redirect_to, merged slashes)"


# -- sessions and signals --------------------------------------------------------------


def short_id(sid: str) -> str:
    """A session id cut to its first characters: enough to tell apart."""
    return f"{sid[:8]}…" if len(sid) > 8 else sid


def describe_session(session: t.Any) -> str:
    """Type, keys (never values) and the flags that are set."""
    if session is None:
        return "None"
    keys = dict.keys(session) if isinstance(session, dict) else session
    parts = [f"keys [{', '.join(sorted(str(key) for key in keys))}]"]
    sid = getattr(session, "sid", None)
    if isinstance(sid, str):
        parts.append(f"sid {short_id(sid)}")
    flags = ("new", "modified", "accessed", "permanent")
    set_flags = [flag for flag in flags if getattr(session, flag, False) is True]
    if set_flags:
        parts.append(", ".join(set_flags))
    return f"{type(session).__name__}: {'; '.join(parts)}"


def describe_session_open(
    interface: t.Any, app: t.Any, request: Request, session: t.Any
) -> Details:
    """Whether the cookie came, and what session it gave."""
    cookie = interface.get_cookie_name(app)
    sent = cookie in request.cookies
    details: Details = {
        "cookie": f"{cookie!r} {'sent: read' if sent else 'not sent'}",
        "session": describe_session(session),
    }
    if session is None:
        details["result"] = "no session (no secret key?): a null session is used"
    elif sent and getattr(session, "new", False) and hasattr(session, "sid"):
        details["result"] = "the cookie named no stored session: a new one"
    elif sent and not session:
        details["result"] = "empty (cookie unreadable, expired or empty)"
    return details


def describe_cookie_change(
    interface: t.Any, app: t.Any, response: Response, before: list[str]
) -> str:
    """What saving did to the session cookie, from the new Set-Cookie values."""
    cookie = interface.get_cookie_name(app)
    written = [
        value
        for value in peek_set_cookies(response)[len(before) :]
        if value.startswith(f"{cookie}=")
    ]
    if not written:
        return "unchanged (no Set-Cookie)"
    if any("Max-Age=0" in value or "1970" in value for value in written):
        return f"{cookie!r} deleted"
    return f"{cookie!r} written"


def describe_store_call(interface: t.Any, name: str, key: str, rv: t.Any) -> Details:
    """A session store operation: its key (id shortened) and result."""
    prefix = getattr(interface, "key_prefix", "")
    if prefix and key.startswith(prefix):
        key = prefix + short_id(key[len(prefix) :])
    if name == "read_record":
        return {"key": key, "result": "not found" if rv is None else "found"}
    return {"key": key, "result": str(rv)}


def describe_signal_kwargs(kwargs: Mapping[str, t.Any]) -> Details:
    """A signal's arguments, readable: template names, context keys, ..."""
    details: Details = {}
    for key, value in kwargs.items():
        if key == "context":
            details[key] = sorted(value)
        elif key == "template":
            details[key] = value.name or "<string>"
        elif value is None or isinstance(value, BaseException):
            details[key] = describe_exception(value)
        else:
            details[key] = describe_value(value)
    return details
