"""Run ``werkzeug/__init__.py`` only when a name it defines is first used.

Werkzeug's package module does nothing but re-export ``run_simple``,
``Client``, ``Request`` and ``Response``, yet running it imports the
development server and the test client (http.server, ssl, socketserver ...),
which ``import werkzeug.anything`` then pays for: a third of a cold
``import werkzeug.routing``, an eighth of creating a minflask app (measured
in instructions). An app needs those only for ``run()`` and tests, and
imports them from their own modules then. So before the first Werkzeug import,
minflask registers the package module a normal import would create (same
``__file__``, ``__path__``, ``__spec__``), with its code not yet run, and a
module ``__getattr__`` that runs it the first time one of those names (or
``__all__``, ``dir()``) is looked up; from then on it is the plain module.

Submodule imports (``import werkzeug.routing``) never run the package code.
Other attribute look-ups import the submodule of that name, as after a
normal ``import werkzeug`` most of them are already attributes.

The stand-in is used only when Werkzeug is not imported yet and its
``__init__.py`` consists solely of ``from .x import y as y`` lines; any other
package code might matter to the submodules, so then nothing changes.
"""

from __future__ import annotations

import _thread
import sys
from importlib import import_module
from importlib.machinery import ModuleSpec
from importlib.util import find_spec, module_from_spec
from types import ModuleType

_PENDING, _RUNNING, _DONE = 0, 1, 2


def reexported_names(source: str) -> frozenset[str] | None:
    """The names bound by ``source`` if it is only relative ``from`` imports.

    None means some line is anything else (a docstring, an assignment, a
    wrapped import ...), so running the code early cannot be ruled harmless.
    """
    names = set()
    for line in source.splitlines():
        words = line.partition("#")[0].split()
        if not words:
            continue
        if len(words) == 6 and words[4] == "as":
            bound = words[5]
        elif len(words) == 4:
            bound = words[3]
        else:
            return None
        if words[0] != "from" or not words[1].startswith(".") or words[2] != "import":
            return None
        if not bound.isidentifier():
            return None
        names.add(bound)
    return frozenset(names)


class _Deferred:
    """The ``__getattr__`` and ``__dir__`` of a package whose code waits."""

    def __init__(self, module: ModuleType, spec: ModuleSpec, names: frozenset[str]):
        self.module = module
        self.spec = spec
        # ``__all__`` too: ``from werkzeug import *`` asks for it, then copies
        # the namespace, which must hold the re-exported names by then.
        self.names = names | {"__all__"}
        self.state = _PENDING
        self.lock = _thread.RLock()

    def getattr(self, name: str) -> object:
        """Run the package code for a name it binds; import a submodule else."""
        if name in self.names:
            self.run()
        elif not name.startswith("__") and name.isidentifier():
            qualified = f"{self.module.__name__}.{name}"
            if qualified in sys.modules or find_spec(qualified) is not None:
                return import_module(qualified)
        try:
            return self.module.__dict__[name]
        except KeyError:
            raise AttributeError(
                f"module {self.module.__name__!r} has no attribute {name!r}"
            ) from None

    def dir(self) -> list[str]:
        """List the namespace as a normal import leaves it."""
        self.run()
        return sorted(self.module.__dict__)

    def run(self) -> None:
        """Execute the package's ``__init__.py`` once, in its module.

        Re-entry from the same thread while it runs (a submodule looking up
        a package attribute) sees the partial module, as a normal import does.
        """
        with self.lock:
            if self.state != _PENDING:
                return
            self.state = _RUNNING
            # Values assigned to these names before the run win, as they
            # would have after an eager import.
            namespace = self.module.__dict__
            assigned = {name: namespace[name] for name in self.names & namespace.keys()}
            try:
                assert self.spec.loader is not None
                self.spec.loader.exec_module(self.module)
            except BaseException:
                self.state = _PENDING
                raise
            self.state = _DONE
            namespace.update(assigned)
            for hook, ours in (("__getattr__", self.getattr), ("__dir__", self.dir)):
                if namespace.get(hook) == ours:
                    del namespace[hook]


def install(package: str = "werkzeug") -> ModuleType | None:
    """Register ``package`` as a deferred module; None if not applicable.

    Not applicable: already imported, not found, not a plain source package,
    or its ``__init__.py`` does more than re-export.
    """
    if package in sys.modules:
        return None
    spec = find_spec(package)
    if spec is None or spec.origin is None or spec.loader is None:
        return None
    if not hasattr(spec.loader, "exec_module"):
        return None
    try:
        with open(spec.origin, encoding="utf-8") as file:
            names = reexported_names(file.read())
    except (OSError, ValueError):
        return None
    if names is None:
        return None
    module = module_from_spec(spec)
    deferred = _Deferred(module, spec, names)
    module.__getattr__ = deferred.getattr  # type: ignore[method-assign]
    module.__dir__ = deferred.dir  # type: ignore[method-assign]
    sys.modules[package] = module
    return module
