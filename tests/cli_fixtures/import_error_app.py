"""A module that fails while importing one of its own dependencies."""

from __future__ import annotations

import a_module_that_does_not_exist_anywhere  # noqa: F401

from minflask import Flask

app = Flask("import_error_app")
