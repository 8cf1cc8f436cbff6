"""The eight scenarios: one request each, and the app each framework answers it with.

Frameworks are named here and imported by name only when a run needs them,
so the minflask side works without Flask or Bottle installed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from benchmarks import apps, bottle_apps, falcon_apps, werkzeug_apps

#: Column order everywhere: the subject first, then what it is measured against.
FRAMEWORKS = ("minflask", "flask", "bottle", "falcon", "werkzeug")
LABELS = {
    "minflask": "minflask",
    "flask": "Flask",
    "bottle": "Bottle",
    "falcon": "Falcon",
    "werkzeug": "Werkzeug",
}

ModuleFactory = Callable[[ModuleType], Any]


@dataclass(frozen=True)
class Scenario:
    """One request, its expected answer, and the app factory per framework.

    ``name`` is the short key used on the command line and in the JSON
    results; ``title`` is the table label.

    ``session`` means the request carries a session cookie that the same
    framework's app issued for itself (by answering the request once first).
    ``bottle_target`` marks the scenarios in the minflask/Bottle target;
    every scenario with a ``falcon`` app counts for the minflask/Falcon one.
    """

    name: str
    title: str
    path: str
    flask: ModuleFactory
    expected_status: int
    expected_text: str
    method: str = "GET"
    query: str = ""
    form: bytes | None = None
    session: bool = False
    bottle: ModuleFactory | None = None
    falcon: ModuleFactory | None = None
    werkzeug: Callable[[], Any] | None = None
    bottle_target: bool = False

    def frameworks(self) -> tuple[str, ...]:
        """The frameworks that have an app for this scenario, in column order."""
        have = {"minflask": True, "flask": True}
        have["bottle"] = self.bottle is not None
        have["falcon"] = self.falcon is not None
        have["werkzeug"] = self.werkzeug is not None
        return tuple(name for name in FRAMEWORKS if have[name])


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        name="hello",
        title="hello world /",
        path="/",
        flask=apps.hello,
        expected_status=200,
        expected_text="Hello, World!",
        bottle=bottle_apps.hello,
        falcon=falcon_apps.hello,
        werkzeug=werkzeug_apps.hello,
        bottle_target=True,
    ),
    Scenario(
        name="int",
        title="/user/<int:id>",
        path="/user/42",
        flask=apps.int_converter,
        expected_status=200,
        expected_text="user 42",
        bottle=bottle_apps.int_converter,
        falcon=falcon_apps.int_converter,
        werkzeug=werkzeug_apps.int_converter,
        bottle_target=True,
    ),
    Scenario(
        name="json",
        title="dict as JSON",
        path="/api/item",
        flask=apps.json_dict,
        expected_status=200,
        expected_text='"widget"',
        bottle=bottle_apps.json_dict,
        falcon=falcon_apps.json_dict,
        werkzeug=werkzeug_apps.json_dict,
        bottle_target=True,
    ),
    Scenario(
        name="404",
        title="404 not found",
        path="/missing",
        flask=apps.hello,
        expected_status=404,
        expected_text="Not Found",
        bottle=bottle_apps.hello,
        falcon=falcon_apps.hello,
        werkzeug=werkzeug_apps.hello,
        bottle_target=True,
    ),
    Scenario(
        name="routes",
        title=f"last of {apps.ROUTE_COUNT} routes",
        path=f"/r{apps.ROUTE_COUNT - 1}/7",
        flask=apps.many_routes,
        expected_status=200,
        expected_text=f"route {apps.ROUTE_COUNT - 1} id 7",
        bottle=bottle_apps.many_routes,
        falcon=falcon_apps.many_routes,
        werkzeug=werkzeug_apps.many_routes,
        bottle_target=True,
    ),
    Scenario(
        name="form",
        title="POST form + query",
        path="/form",
        method="POST",
        query="page=2",
        form=b"name=Ada+Lovelace&age=36",
        flask=apps.form_post,
        expected_status=200,
        expected_text="Ada Lovelace is 36 (page 2)",
        bottle=bottle_apps.form_post,
        falcon=falcon_apps.form_post,
        werkzeug=werkzeug_apps.form_post,
    ),
    Scenario(
        name="session",
        title="session read+write",
        path="/counter",
        session=True,
        flask=apps.session_counter,
        expected_status=200,
        expected_text="count 2",
        werkzeug=werkzeug_apps.session_counter,
    ),
    Scenario(
        name="template",
        title="template",
        path="/users",
        flask=apps.template,
        expected_status=200,
        expected_text='<a href="/user/19">User Number 19</a>',
        werkzeug=werkzeug_apps.template,
    ),
)


def select(names: str | None) -> tuple[Scenario, ...]:
    """The scenarios named in a comma-separated list (all when None).

    Raises ValueError naming the unknown ones.
    """
    if not names:
        return SCENARIOS
    by_name = {s.name: s for s in SCENARIOS}
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in by_name]
    if unknown:
        known = ", ".join(by_name)
        raise ValueError(f"unknown scenario(s) {', '.join(unknown)}; known: {known}")
    return tuple(s for s in SCENARIOS if s.name in wanted)


def load_framework(name: str) -> ModuleType:
    """Import a framework by its column name ("werkzeug" needs no module)."""
    if name == "werkzeug":
        return importlib.import_module("werkzeug")
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise SystemExit(
            f"benchmarks: cannot import {name} ({error}); run `python3 dev.py bench`,"
            " which installs the bench extra into .venv-bench"
        ) from error


def build_app(scenario: Scenario, framework: str, module: ModuleType) -> Any:
    """The WSGI app ``framework`` answers ``scenario`` with."""
    if framework in ("minflask", "flask"):
        return scenario.flask(module)
    if framework == "bottle" and scenario.bottle is not None:
        return scenario.bottle(module)
    if framework == "falcon" and scenario.falcon is not None:
        return scenario.falcon(module)
    if framework == "werkzeug" and scenario.werkzeug is not None:
        return scenario.werkzeug()
    raise ValueError(f"no {framework} app for the {scenario.name!r} scenario")
