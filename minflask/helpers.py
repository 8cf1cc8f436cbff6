"""Functions views call: URL building, redirects, aborts, responses, files
and streaming. Each works through the active app so the app's classes and
config apply."""

from __future__ import annotations

import os
import typing as t
from datetime import datetime
from functools import update_wrapper

import werkzeug.utils
from werkzeug.exceptions import abort as _werkzeug_abort

from . import signals
from .globals import (
    _app_ctx_stack,
    _no_app_msg,
    _request_ctx_stack,
    current_app,
    request,
    request_ctx,
    session,
)
from .scaffold import get_root_path

if t.TYPE_CHECKING:  # pragma: no cover
    from werkzeug.wrappers import Response as BaseResponse

    from .ctx import RequestContext
    from .wrappers import Response

__all__ = [
    "abort",
    "flash",
    "get_debug_flag",
    "get_flashed_messages",
    "get_load_dotenv",
    "get_root_path",
    "get_template_attribute",
    "make_response",
    "redirect",
    "send_file",
    "send_from_directory",
    "stream_with_context",
    "url_for",
]


def get_debug_flag() -> bool:
    """Whether ``FLASK_DEBUG`` asks for debug mode."""
    value = os.environ.get("FLASK_DEBUG")
    return bool(value and value.lower() not in {"0", "false", "no"})


def get_load_dotenv(default: bool = True) -> bool:
    """Whether to load .env files: False when ``FLASK_SKIP_DOTENV`` is set
    to a true value."""
    value = os.environ.get("FLASK_SKIP_DOTENV")
    if not value:
        return default
    return value.lower() in {"0", "false", "no"}


def url_for(
    endpoint: str,
    *,
    _anchor: str | None = None,
    _method: str | None = None,
    _scheme: str | None = None,
    _external: bool | None = None,
    **values: t.Any,
) -> str:
    """Build the URL for ``endpoint`` with the current app; see
    :meth:`minflask.Flask.url_for`."""
    # The app from the stack, not the current_app proxy: views call this a
    # lot, and the proxy's attribute lookup costs more than the call.
    ctx = _app_ctx_stack.top
    if ctx is None:
        raise RuntimeError(_no_app_msg)
    return ctx.app.url_for(
        endpoint,
        _anchor=_anchor,
        _method=_method,
        _scheme=_scheme,
        _external=_external,
        **values,
    )


def redirect(
    location: str, code: int = 302, Response: type[BaseResponse] | None = None
) -> BaseResponse:
    """A redirect response to ``location`` (302 by default), made by the
    current app's :meth:`~minflask.Flask.redirect` when one is active."""
    ctx = _app_ctx_stack.top
    if ctx is not None:
        return ctx.app.redirect(location, code=code)
    return werkzeug.utils.redirect(location, code=code, Response=Response)


def abort(code: int | BaseResponse, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Raise the HTTPException for ``code`` through the app's ``aborter``
    (or Werkzeug's with no app context)."""
    ctx = _app_ctx_stack.top
    if ctx is not None:
        ctx.app.aborter(code, *args, **kwargs)
    _werkzeug_abort(code, *args, **kwargs)


def get_template_attribute(template_name: str, attribute: str) -> t.Any:
    """A macro or variable exported by a template, for use from Python:
    ``get_template_attribute("_macros.html", "hello")("World")``."""
    template = current_app.jinja_env.get_template(template_name)
    return getattr(template.module, attribute)


def make_response(*args: t.Any) -> Response:
    """Turn a view-style return value into a response object, to add
    headers before returning it. No arguments gives an empty response."""
    if not args:
        return current_app.response_class()
    value = args[0] if len(args) == 1 else args
    return current_app.make_response(value)


def flash(message: str, category: str = "message") -> None:
    """Store ``message`` in the session under ``category`` for the next
    request to show with :func:`get_flashed_messages`; sends
    ``message_flashed``."""
    flashes = session.get("_flashes", [])
    flashes.append((category, message))
    # Reassigning marks the session modified so the cookie is saved.
    session["_flashes"] = flashes
    if signals.message_flashed.receivers:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        signals.message_flashed.send(
            app, _async_wrapper=app.ensure_sync, message=message, category=category
        )


def get_flashed_messages(
    with_categories: bool = False,
    category_filter: t.Iterable[str] = (),
) -> list[str] | list[tuple[str, str]]:
    """Take the flashed messages out of the session, as messages or as
    ``(category, message)`` pairs, optionally only those whose category is
    in ``category_filter``. Repeated calls in one request return the same
    messages: they are removed from the session on the first call."""
    ctx: RequestContext = request_ctx._get_current_object()  # type: ignore[attr-defined]
    flashes = ctx.flashes
    if flashes is None:
        sess = ctx.session
        flashes = sess.pop("_flashes") if "_flashes" in sess else []
        ctx.flashes = flashes
    if category_filter:
        flashes = [f for f in flashes if f[0] in category_filter]
    if not with_categories:
        return [f[1] for f in flashes]
    return flashes


def _send_file_kwargs(**kwargs: t.Any) -> dict[str, t.Any]:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if kwargs.get("max_age") is None:
        kwargs["max_age"] = app.get_send_file_max_age
    kwargs.update(
        environ=request.environ,
        use_x_sendfile=app.config["USE_X_SENDFILE"],
        response_class=app.response_class,
        _root_path=app.root_path,
    )
    return kwargs


def send_file(
    path_or_file: os.PathLike[t.AnyStr] | str | t.BinaryIO,
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: datetime | int | float | None = None,
    max_age: int | t.Callable[[str | None], int | None] | None = None,
) -> Response:
    """Send a file or file-like object, with conditional request and range
    support. ``max_age`` defaults to the app's ``get_send_file_max_age``.
    Never pass a path from user input; use :func:`send_from_directory`."""
    return werkzeug.utils.send_file(  # type: ignore[return-value]
        **_send_file_kwargs(
            path_or_file=path_or_file,
            mimetype=mimetype,
            as_attachment=as_attachment,
            download_name=download_name,
            conditional=conditional,
            etag=etag,
            last_modified=last_modified,
            max_age=max_age,
        )
    )


def send_from_directory(
    directory: os.PathLike[str] | str,
    path: os.PathLike[str] | str,
    **kwargs: t.Any,
) -> Response:
    """Send ``path`` from inside ``directory``; a path that would escape the
    directory, or does not name a file, is a 404."""
    return werkzeug.utils.send_from_directory(  # type: ignore[return-value]
        directory, path, **_send_file_kwargs(**kwargs)
    )


def stream_with_context(
    generator_or_function: t.Iterator[t.AnyStr] | t.Callable[..., t.Iterator[t.AnyStr]],
) -> t.Iterator[t.AnyStr]:
    """Keep the request (and app) context active while a streamed response
    is generated. Works on a generator or as a decorator on a generator
    function. Raises RuntimeError outside a request."""
    try:
        gen = iter(generator_or_function)  # type: ignore[arg-type]
    except TypeError:
        func = t.cast(t.Callable[..., t.Iterator[t.AnyStr]], generator_or_function)

        def decorator(*args: t.Any, **kwargs: t.Any) -> t.Iterator[t.AnyStr]:
            return stream_with_context(func(*args, **kwargs))

        return update_wrapper(decorator, func)  # type: ignore[return-value]

    req_ctx = _request_ctx_stack.top
    if req_ctx is None:
        raise RuntimeError(
            "'stream_with_context' needs an active request context; use it"
            " in a view function."
        )
    app_ctx = _app_ctx_stack.top

    def generator() -> t.Iterator[t.AnyStr | None]:
        # Re-push the same app context first so ``g`` survives into the
        # stream; the request context then reuses it.
        with app_ctx or req_ctx.app.app_context(), req_ctx:
            yield None  # primes the generator while the contexts are live
            try:
                yield from gen
            finally:
                close = getattr(gen, "close", None)
                if close is not None:
                    close()

    wrapped = generator()
    next(wrapped)
    return wrapped  # type: ignore[return-value]
