"""Blinker signals sent at the points of the request and context lifecycle.

The framework checks ``signal.receivers`` before sending, so a signal nobody
listens to costs one attribute read.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

template_rendered = _signals.signal("template-rendered")
before_render_template = _signals.signal("before-render-template")
request_started = _signals.signal("request-started")
request_finished = _signals.signal("request-finished")
request_tearing_down = _signals.signal("request-tearing-down")
got_request_exception = _signals.signal("got-request-exception")
appcontext_tearing_down = _signals.signal("appcontext-tearing-down")
appcontext_pushed = _signals.signal("appcontext-pushed")
appcontext_popped = _signals.signal("appcontext-popped")
message_flashed = _signals.signal("message-flashed")

#: Sent when a server-side session could not be saved after the view answered
#: (the store failed): the response goes out without the session change.
#: Receivers get ``session``, ``response`` and ``error`` (a minflask
#: extension; Flask has no such signal).
session_save_failed = _signals.signal("session-save-failed")
