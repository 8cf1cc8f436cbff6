"""Serve session_app on a free loopback port; print the port, then serve
until killed."""

from __future__ import annotations

from session_app import create_app
from werkzeug.serving import make_server

server = make_server("127.0.0.1", 0, create_app(), threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
