"""The application's configuration dict and the descriptor that exposes keys.

:class:`Config` is a plain ``dict`` with loaders for Python files, data
files, objects, mappings and environment variables. Loaders only take
UPPERCASE keys so helpers and imports in a config module stay out.
"""

from __future__ import annotations

import errno
import json
import os
import types
import typing as t

from werkzeug.utils import import_string

T = t.TypeVar("T")

# Errors that ``silent=True`` turns into "nothing loaded" instead of raising.
_PYFILE_MISSING = frozenset((errno.ENOENT, errno.EISDIR, errno.ENOTDIR))
_FILE_MISSING = frozenset((errno.ENOENT, errno.EISDIR))


class ConfigAttribute(t.Generic[T]):
    """Descriptor that reads and writes ``obj.config[name]``.

    Lets the app offer ``app.testing`` as a view onto ``app.config["TESTING"]``.
    """

    def __init__(
        self, name: str, get_converter: t.Callable[[t.Any], T] | None = None
    ) -> None:
        # ``__name__`` matches the attribute Flask's descriptor exposes.
        self.__name__ = name
        self.get_converter = get_converter

    @t.overload
    def __get__(
        self, obj: None, owner: type[t.Any] | None = None
    ) -> ConfigAttribute[T]: ...

    @t.overload
    def __get__(self, obj: t.Any, owner: type[t.Any] | None = None) -> T: ...

    def __get__(
        self, obj: t.Any, owner: type[t.Any] | None = None
    ) -> ConfigAttribute[T] | T:
        """Return the config value, or the descriptor itself on the class."""
        if obj is None:
            return self
        value = obj.config[self.__name__]
        if self.get_converter is not None:
            return self.get_converter(value)
        return t.cast(T, value)

    def __set__(self, obj: t.Any, value: t.Any) -> None:
        """Store ``value`` in the owner's config under this key."""
        obj.config[self.__name__] = value


class Config(dict[str, t.Any]):
    """A dict of settings that can also be filled from files and objects.

    Relative file names are resolved against ``root_path``, normally the
    application's root path.
    """

    def __init__(
        self,
        root_path: str | os.PathLike[str],
        defaults: dict[str, t.Any] | None = None,
    ) -> None:
        super().__init__(defaults or {})
        self.root_path = root_path

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """Load the Python config file whose path is in an environment variable.

        An unset or empty variable raises :exc:`RuntimeError` unless ``silent``.
        """
        path = os.environ.get(variable_name)
        if not path:
            if silent:
                return False
            raise RuntimeError(
                f"The environment variable {variable_name!r} is not set, so no"
                " configuration file could be loaded from it. Set it to the"
                " path of a configuration file."
            )
        return self.from_pyfile(path, silent=silent)

    def from_prefixed_env(
        self, prefix: str = "FLASK", *, loads: t.Callable[[str], t.Any] = json.loads
    ) -> bool:
        """Load every ``{prefix}_*`` environment variable, prefix removed.

        Values go through ``loads`` and stay strings if it fails. ``__`` in a
        key addresses nested dicts, creating missing levels. Always True.
        """
        prefix = f"{prefix}_"
        # Sorted so that a parent key is set before keys nested inside it.
        for env_key in sorted(os.environ):
            if not env_key.startswith(prefix):
                continue
            raw = os.environ[env_key]
            try:
                value = loads(raw)
            except Exception:
                value = raw
            *parents, leaf = env_key[len(prefix) :].split("__")
            target: t.Any = self
            for part in parents:
                if part not in target:
                    target[part] = {}
                target = target[part]
            target[leaf] = value
        return True

    def from_pyfile(
        self, filename: str | os.PathLike[str], silent: bool = False
    ) -> bool:
        """Execute a Python file as a module and load its uppercase names.

        Returns False if ``silent`` and the file is missing; else True.
        """
        path = os.path.join(self.root_path, filename)
        module = types.ModuleType("config")
        module.__file__ = path
        try:
            with open(path, "rb") as f:
                source = f.read()
        except OSError as e:
            if silent and e.errno in _PYFILE_MISSING:
                return False
            _mark_config_error(e)
            raise
        exec(compile(source, path, "exec"), module.__dict__)
        self.from_object(module)
        return True

    def from_object(self, obj: object | str) -> None:
        """Copy the uppercase attributes of an object, or of an import string."""
        if isinstance(obj, str):
            obj = import_string(obj)
        for key in dir(obj):
            if key.isupper():
                self[key] = getattr(obj, key)

    def from_file(
        self,
        filename: str | os.PathLike[str],
        load: t.Callable[[t.IO[t.Any]], t.Mapping[str, t.Any]],
        silent: bool = False,
        text: bool = True,
    ) -> bool:
        """Parse a data file with ``load`` and pass the result to :meth:`from_mapping`.

        Use ``text=False`` for loaders that want bytes, such as ``tomllib.load``.
        """
        path = os.path.join(self.root_path, filename)
        try:
            with open(path, "r" if text else "rb") as f:
                data = load(f)
        except OSError as e:
            if silent and e.errno in _FILE_MISSING:
                return False
            _mark_config_error(e)
            raise
        return self.from_mapping(data)

    def from_mapping(
        self, mapping: t.Mapping[str, t.Any] | None = None, **kwargs: t.Any
    ) -> bool:
        """Load the uppercase keys of ``mapping`` and ``kwargs`` (kwargs win)."""
        merged: dict[str, t.Any] = {}
        if mapping is not None:
            merged.update(mapping)
        merged.update(kwargs)
        for key, value in merged.items():
            if key.isupper():
                self[key] = value
        return True

    def get_namespace(
        self, namespace: str, lowercase: bool = True, trim_namespace: bool = True
    ) -> dict[str, t.Any]:
        """Return the settings whose keys start with ``namespace``.

        E.g. ``get_namespace("IMAGE_STORE_")`` maps ``IMAGE_STORE_PATH`` to ``path``.
        """
        result: dict[str, t.Any] = {}
        for key, value in self.items():
            if not key.startswith(namespace):
                continue
            if trim_namespace:
                key = key[len(namespace) :]
            if lowercase:
                key = key.lower()
            result[key] = value
        return result

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"


def _mark_config_error(error: OSError) -> None:
    """Reword an OSError so it says a config file failed; the path stays attached."""
    error.strerror = f"Unable to load configuration file ({error.strerror})"
