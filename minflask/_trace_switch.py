"""The one hook the app has for the inspector: ``INSPECTOR = True`` in the
config switches it on when the app serves its first request.

:func:`first_request_switch` gives the app an instance attribute
``wsgi_app`` that, on the first request, takes itself away (the class's
``wsgi_app`` is used again), switches the inspector on if the config asks
for it, and passes the request on. From then on, with the inspector off,
nothing of it runs. Middleware that wrapped ``app.wsgi_app`` before the
first request keeps calling it: then it only checks a flag.
"""

from __future__ import annotations

import threading
import typing as t
import weakref

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from .app import Flask

_lock = threading.Lock()


def first_request_switch(app: Flask) -> t.Callable[..., t.Iterable[bytes]]:
    """The instance ``wsgi_app`` an app has until its first request.

    It holds the app weakly: an app that never serves is still freed
    without the cycle collector."""
    checked = False
    app_ref = weakref.ref(app)
    app_class = type(app)
    del app

    def wsgi_app(
        environ: WSGIEnvironment, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        nonlocal checked
        app = app_ref()
        assert app is not None, "the app is gone"
        own = vars(app).get("wsgi_app") is wsgi_app
        if not checked:
            with _lock:
                if vars(app).get("wsgi_app") is wsgi_app:
                    del app.wsgi_app
                if not checked and app.config.get("INSPECTOR"):
                    from .inspector.recorder import switch_on_from_config

                    switch_on_from_config(app)
                checked = True
        if own:
            return app.wsgi_app(environ, start_response)
        return type(app).wsgi_app(app, environ, start_response)

    # What it passes the request on to: a tracer shows that method's source.
    wsgi_app.__wrapped__ = app_class.wsgi_app  # type: ignore[attr-defined]
    return wsgi_app
