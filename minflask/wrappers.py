"""Request and Response: Werkzeug's wrappers plus what routing and config add.

The request learns its URL rule and view arguments from the request context
when the URL is matched; the limits on body size come from the app's config,
read only when a body is actually parsed.
"""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as _WerkzeugResponse

from . import json
from ._forms import load_urlencoded_form
from .globals import _app_ctx_stack

if t.TYPE_CHECKING:  # pragma: no cover
    from werkzeug.routing import Rule


def _config_value(key: str, default: t.Any = None) -> t.Any:
    """A config value of the active app, or ``default`` with no app context."""
    ctx = _app_ctx_stack.top
    return default if ctx is None else ctx.app.config[key]


class Request(_WerkzeugRequest):
    """The request object used by default in minflask.

    ``url_rule``, ``view_args`` and ``routing_exception`` are filled in by
    the request context when the URL is matched.
    """

    #: ``minflask.json`` (the current app's provider); the request context
    #: sets the app's provider itself on each request it creates.
    json_module: t.Any = json

    #: The matched rule, or None before matching or when matching failed.
    url_rule: Rule | None = None
    #: Arguments captured from the URL, or None if matching failed.
    view_args: dict[str, t.Any] | None = None
    #: The 404/405/redirect raised while matching, re-raised at dispatch.
    routing_exception: HTTPException | None = None

    _max_content_length: int | None = None
    _max_form_memory_size: int | None = None
    _max_form_parts: int | None = None

    @property
    def max_content_length(self) -> int | None:
        """Body size limit: set per request, else ``MAX_CONTENT_LENGTH``."""
        if self._max_content_length is not None:
            return self._max_content_length
        value: int | None = _config_value("MAX_CONTENT_LENGTH")
        return value

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        """Limit for non-file form fields: per request, else config."""
        if self._max_form_memory_size is not None:
            return self._max_form_memory_size
        value: int | None = _config_value(
            "MAX_FORM_MEMORY_SIZE", _WerkzeugRequest.max_form_memory_size
        )
        return value

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value

    @property  # type: ignore[override]
    def max_form_parts(self) -> int | None:
        """Limit on multipart form parts: per request, else config."""
        if self._max_form_parts is not None:
            return self._max_form_parts
        value: int | None = _config_value(
            "MAX_FORM_PARTS", _WerkzeugRequest.max_form_parts
        )
        return value

    @max_form_parts.setter
    def max_form_parts(self, value: int | None) -> None:
        self._max_form_parts = value

    @property
    def endpoint(self) -> str | None:
        """The endpoint of the matched rule, or None."""
        rule = self.url_rule
        return None if rule is None else rule.endpoint

    @property
    def blueprint(self) -> str | None:
        """The dotted name of the blueprint that owns the endpoint, or None."""
        endpoint = self.endpoint
        if endpoint is not None and "." in endpoint:
            return endpoint.rpartition(".")[0]
        return None

    @property
    def blueprints(self) -> list[str]:
        """The current blueprint and its parents, innermost first."""
        name = self.blueprint
        if name is None:
            return []
        return _blueprint_chain(name)

    def _load_form_data(self) -> None:
        """Parse the body once; in debug mode, also make a missing file that
        was sent as a plain form field explain the missing enctype."""
        parsed_before = "form" in self.__dict__
        if parsed_before or not load_urlencoded_form(self):
            super()._load_form_data()
        if (
            not parsed_before
            and _config_value("DEBUG")
            and self.mimetype != "multipart/form-data"
        ):
            from .debughelpers import explain_missing_files

            explain_missing_files(self)

    def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
        """Raise the 400 for a malformed JSON body. The description says the
        body is not valid JSON; the parser's own message (line, column) is
        added only in debug mode, so it is not sent to clients otherwise."""
        try:
            return super().on_json_loading_failed(e)
        except BadRequest as detailed:
            ctx = _app_ctx_stack.top
            if ctx is not None and ctx.app.debug:
                raise
            raise BadRequest(
                "The request body could not be parsed: it is not valid JSON."
            ) from detailed


def _blueprint_chain(name: str) -> list[str]:
    """``"a.b.c"`` -> ``["a.b.c", "a.b", "a"]``."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


class Response(_WerkzeugResponse):
    """The response object used by default: HTML unless told otherwise."""

    default_mimetype: str | None = "text/html"
    autocorrect_location_header = False
    #: ``minflask.json``, so ``response.json`` uses the current app's provider.
    json_module: t.Any = json

    @property
    def max_cookie_size(self) -> int:  # type: ignore[override]
        """``MAX_COOKIE_SIZE`` of the active app, else Werkzeug's default."""
        value = _config_value("MAX_COOKIE_SIZE")
        if value is None:
            return super().max_cookie_size
        return int(value)
