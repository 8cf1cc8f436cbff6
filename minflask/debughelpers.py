"""Debug-mode explanations for mistakes that otherwise surface as a bare 400.

Only loaded when the app runs in debug mode and something needs it, so the
request path of a production app never imports this module.
"""

from __future__ import annotations

import typing as t

from werkzeug.datastructures import MultiDict

if t.TYPE_CHECKING:  # pragma: no cover
    from .wrappers import Request


class DebugFilesKeyError(KeyError, AssertionError):
    """``request.files[key]`` failed in debug mode although ``key`` came as
    a plain form field: the HTML form most likely lacks the multipart enctype.

    A KeyError, so code catching the usual lookup error still works, and an
    AssertionError, so it is not turned into a 400 Bad Request.
    """

    def __init__(self, key: str, mimetype: str, sent: list[str]) -> None:
        super().__init__(key)
        names = ", ".join(repr(name) for name in sent)
        self.msg = (
            f"request.files has no file {key!r}. The request's mimetype is"
            f" {mimetype!r}, not 'multipart/form-data', so no file contents"
            ' were transmitted; add enctype="multipart/form-data" to the'
            " HTML form to send them."
            f"\n\nOnly file names arrived, as form fields. This was submitted: {names}"
        )

    def __str__(self) -> str:
        return self.msg


class _FilesExplainingMissing(MultiDict[str, t.Any]):
    """Mixed into the request's files dict class by `explain_missing_files`;
    remembers the form and mimetype rather than the request, so no
    reference cycle is made."""

    _form: MultiDict[str, str]
    _mimetype: str

    def __getitem__(self, key: str) -> t.Any:
        try:
            return super().__getitem__(key)
        except KeyError as e:
            sent = self._form.getlist(key)
            if not sent:
                raise
            raise DebugFilesKeyError(key, self._mimetype, sent) from e


_explaining_classes: dict[type, type] = {}


def explain_missing_files(request: Request) -> None:
    """Swap the request's (empty) files dict for one whose failed lookups of
    a submitted form field raise `DebugFilesKeyError`."""
    files = request.files
    if files:
        return
    base = type(files)
    cls = _explaining_classes.get(base)
    if cls is None:
        cls = type(base.__name__, (_FilesExplainingMissing, base), {})
        _explaining_classes[base] = cls
    explaining = cls()
    explaining._form = request.form
    explaining._mimetype = request.mimetype
    request.__dict__["files"] = explaining
