"""The CLI test runner, apart from :mod:`minflask.testing` so that importing
the test client does not import click."""

from __future__ import annotations

import typing as t

from click.testing import CliRunner, Result

from .cli import ScriptInfo

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask


class FlaskCliRunner(CliRunner):
    """Invokes the app's commands in isolation (``app.test_cli_runner()``)."""

    def __init__(self, app: Flask, **kwargs: t.Any) -> None:
        self.app = app
        super().__init__(**kwargs)

    def invoke(  # type: ignore[override]
        self, cli: t.Any = None, args: t.Any = None, **kwargs: t.Any
    ) -> Result:
        """Run ``cli`` (the app's ``cli`` group by default) with ``args``;
        the app is loaded from this runner, not from ``--app``."""
        if cli is None:
            cli = self.app.cli
        if "obj" not in kwargs:
            kwargs["obj"] = ScriptInfo(create_app=lambda: self.app)
        return super().invoke(cli, args, **kwargs)
