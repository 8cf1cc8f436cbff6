"""Stand-in ``flask`` package, found first through ``PYTHONPATH``.

Running it installs minflask's alias, which replaces this module in
``sys.modules``, so ``import flask`` returns minflask's ``flask`` module and
the real Flask package is never reached. See :mod:`minflask.flask_alias`.
"""

from __future__ import annotations

__minflask_stand_in__ = True

try:
    from minflask.flask_alias import install
except ImportError as e:
    raise ImportError(
        "'flask' here is minflask's stand-in (its directory is on PYTHONPATH, "
        "as the minflask command sets for its children), but this Python "
        f"cannot import minflask ({e}); install minflask into this "
        "environment or take that directory off PYTHONPATH"
    ) from e

install()
