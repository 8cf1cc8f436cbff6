"""An importable SSL context for ``run --cert module:name``."""

from __future__ import annotations

import ssl

context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
not_a_context = "plain string"
