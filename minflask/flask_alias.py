"""Make ``import flask`` give minflask, so Flask extensions run unchanged.

:func:`install` (public as ``minflask.install_as_flask()``) puts a small
module of its own at ``sys.modules["flask"]``: every public name it answers
is minflask's own object (``flask.Flask is minflask.Flask``), looked up on
first use, so installing imports nothing. It is a module of its own rather
than minflask itself because ``flask.__version__`` must name the Flask
version whose API minflask implements while ``minflask.__version__`` stays
minflask's. A finder placed first on ``sys.meta_path`` maps each submodule,
``flask.X``, to the module ``minflask.X`` itself (``flask.globals is
minflask.globals``), so the real Flask package is never reached even where
pip installed it beside an extension.

A fresh interpreter started by this one (a tool an extension runs, a server
worker) does not inherit the alias. :func:`path` names a directory holding a
stand-in ``flask`` package that installs the alias when first imported; with
it first on ``PYTHONPATH`` every child gets minflask. The ``minflask``
command sets that for its children; ``python -m minflask.flask_alias``
prints the directory for other launchers.
"""

from __future__ import annotations

import _thread
import os
import sys
import typing as t
from importlib import import_module
from importlib.machinery import ModuleSpec
from importlib.util import find_spec
from types import ModuleType

if t.TYPE_CHECKING:  # pragma: no cover
    from importlib.abc import Loader as _LoaderBase
else:  # importlib.abc costs milliseconds to import, for a type only
    _LoaderBase = object

#: The Flask release whose API minflask implements: ``flask.__version__``.
FLASK_VERSION = "3.1.3"

# Set on the stand-in package (see path()) while it hands over to install().
_STAND_IN_MARK = "__minflask_stand_in__"

_lock = _thread.allocate_lock()
_alias: ModuleType | None = None


class FlaskAlreadyImportedError(RuntimeError):
    """The real Flask was imported before :func:`install`; code bound to its
    objects would never see minflask's contexts, so nothing is changed."""


def install() -> None:
    """Make ``flask`` and ``flask.<sub>`` resolve to minflask in this process.

    Idempotent and cheap: it imports no minflask submodule. Call it before
    anything imports ``flask`` (an extension does, as soon as it is
    imported): first thing in the app module, ``wsgi.py`` or ``conftest.py``.

    :raises FlaskAlreadyImportedError: the real Flask is already imported;
        nothing is changed then.
    """
    global _alias
    with _lock:
        current = sys.modules.get("flask")
        # The stand-in (see path()) is this install in progress, not Flask.
        foreign = current is not None and current is not _alias
        if foreign and not getattr(current, _STAND_IN_MARK, False):
            raise FlaskAlreadyImportedError(_already_imported_message(current))
        if _alias is None:
            _alias = _new_flask_module()
        sys.modules["flask"] = _alias
        if _FINDER not in sys.meta_path:
            sys.meta_path.insert(0, _FINDER)


def uninstall() -> None:
    """Undo :func:`install`: ``flask`` is looked up normally again.

    Modules imported meanwhile keep the minflask objects they bound. Meant
    for test suites that must leave the process as they found it.
    """
    with _lock:
        while _FINDER in sys.meta_path:
            sys.meta_path.remove(_FINDER)
        if _alias is not None and sys.modules.get("flask") is _alias:
            del sys.modules["flask"]
            for name in [n for n in sys.modules if n.startswith("flask.")]:
                del sys.modules[name]


def is_installed() -> bool:
    """True while ``flask`` resolves to minflask in this process."""
    return _alias is not None and sys.modules.get("flask") is _alias


def path() -> str:
    """The directory to put first on ``PYTHONPATH`` so that a child
    interpreter's ``import flask`` installs the alias and gives minflask."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "_alias_path")


def child_pythonpath(current: str | None) -> str:
    """``current`` (a PYTHONPATH value) with :func:`path` first, once."""
    entries = [e for e in (current or "").split(os.pathsep) if e and e != path()]
    return os.pathsep.join([path(), *entries])


def _already_imported_message(module: ModuleType | None) -> str:
    where = getattr(module, "__file__", None) or repr(module)
    return (
        f"the real Flask package is already imported (from {where}), so code "
        "that imported it is bound to Flask's objects, not minflask's; call "
        "minflask.install_as_flask() before importing flask or any Flask "
        "extension: first thing in the app module, wsgi.py or conftest.py"
    )


# -- the ``flask`` module ----------------------------------------------------


def _new_flask_module() -> ModuleType:
    import minflask

    module = ModuleType(
        "flask",
        "minflask, standing in for Flask (installed by minflask.install_as_flask()).",
    )
    spec = ModuleSpec("flask", _Loader(None), is_package=True)
    module.__spec__ = spec
    module.__loader__ = spec.loader
    module.__package__ = "flask"
    # Where the names come from; import errors then point at minflask.
    module.__file__ = __file__
    # A package with no directory: every submodule comes from the finder.
    module.__path__ = []
    spec.submodule_search_locations = module.__path__
    vars(module).update(
        __all__=list(minflask.__all__),
        __getattr__=_flask_getattr,
        __dir__=_flask_dir,
    )
    return module


def _flask_getattr(name: str) -> t.Any:
    """``flask.<name>``: minflask's public name or submodule, found once."""
    if name == "__version__":
        import warnings

        warnings.warn(
            "'flask.__version__' is deprecated since Flask 3.1 (it names the "
            f"Flask API minflask implements, {FLASK_VERSION}); use feature "
            "detection instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        return FLASK_VERSION
    import minflask

    if name in minflask.__all__:
        value = getattr(minflask, name)
    elif _counterpart(name) is not None:
        value = import_module(f"flask.{name}")
    else:
        raise AttributeError(
            f"module 'flask' (minflask, see minflask.install_as_flask) has no "
            f"attribute {name!r}"
        )
    assert _alias is not None
    setattr(_alias, name, value)
    return value


def _flask_dir() -> list[str]:
    import minflask

    assert _alias is not None
    return sorted({*vars(_alias), *minflask.__all__, "__version__"})


def _counterpart(name: str) -> ModuleSpec | None:
    """The spec of ``minflask.<name>`` if that module exists and the name is
    public (or ``__main__``, so ``python -m flask`` runs the minflask command)."""
    parts = name.split(".")
    if not all(p.isidentifier() and (p[0] != "_" or p == "__main__") for p in parts):
        return None
    try:
        return find_spec(f"minflask.{name}")
    except ModuleNotFoundError:  # a parent that is not a package
        return None


class _Loader(_LoaderBase):
    """Loads ``flask`` (target None) or ``flask.X`` (target ``minflask.X``).

    The import system creates a throwaway module for the name; exec_module
    replaces it in ``sys.modules`` with the real one, which the import then
    returns, so minflask's modules keep their own name and spec.
    """

    def __init__(self, target: str | None) -> None:
        self.target = target

    def create_module(self, spec: ModuleSpec) -> None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        if self.target is None:
            assert _alias is not None
            sys.modules[module.__name__] = _alias
        else:
            sys.modules[module.__name__] = import_module(self.target)

    def get_code(self, fullname: str) -> t.Any:
        """The target's code, for ``runpy`` (``python -m flask``)."""
        spec = find_spec(self.target or "minflask")
        loader = getattr(spec, "loader", None)
        get_code = getattr(loader, "get_code", None)
        if spec is None or get_code is None:
            raise ImportError(f"no code to run for {fullname!r}", name=fullname)
        return get_code(spec.name)


class _Finder:
    """First on ``sys.meta_path`` while installed: every ``flask`` name."""

    @staticmethod
    def find_spec(
        fullname: str, path: t.Any = None, target: t.Any = None
    ) -> ModuleSpec | None:
        if fullname == "flask":
            return ModuleSpec("flask", _Loader(None), is_package=True)
        if not fullname.startswith("flask."):
            return None
        counterpart = _counterpart(fullname[len("flask.") :])
        if counterpart is None:
            raise ModuleNotFoundError(
                f"No module named {fullname!r}: 'flask' is minflask in this "
                "process (minflask.install_as_flask()), and minflask has no "
                f"module {'minflask.' + fullname[len('flask.') :]!r}",
                name=fullname,
            )
        # The origin gives ``python -m flask`` a ``__file__``, as runpy wants.
        return ModuleSpec(
            fullname, _Loader(counterpart.name), origin=counterpart.origin
        )


_FINDER = _Finder()


def main(argv: list[str] | None = None) -> int:
    """``python -m minflask.flask_alias``: print :func:`path`."""
    args = sys.argv[1:] if argv is None else argv
    if args:
        print(
            "usage: python -m minflask.flask_alias\n\n"
            "Prints the directory to put first on PYTHONPATH so that every\n"
            "Python process that imports flask gets minflask, e.g.\n"
            '  export PYTHONPATH="$(python -m minflask.flask_alias)'
            '${PYTHONPATH:+:$PYTHONPATH}"',
            file=sys.stderr,
        )
        return 0 if args[0] in ("-h", "--help") else 2
    print(path())
    return 0


if __name__ == "__main__":
    sys.exit(main())
