"""The request path's shortcuts, gathered in one place.

Everything in this package makes minflask faster and nothing here makes it
more correct: each module replaces one generic step of the request path
with a precomputed or compiled one, built at registration time from public
data of Werkzeug, Jinja2 and itsdangerous only. The framework imports each
shortcut in one place, inside ``try: ... except ImportError:``, with the
plain (slower) code beside it, so deleting this package leaves a correct,
slower framework.

The map (one row per module; keep it current when adding one):

=====================  ==========================================  =============
module                 what it replaces                            used by
=====================  ==========================================  =============
``router``             ``MapAdapter.match`` for plain matches and   ``_routing``
                       plain 404s (a state machine compiled from
                       public rule data; redirects and 405 stay
                       Werkzeug's),
                       and decides which ``url_for`` URLs may be
                       remembered
``response``           Werkzeug's Response constructor and WSGI    ``wrappers``
                       call, for a one-chunk body with default     (Response),
                       headers: two header values recorded, sent   ``dispatch``
                       as they are; and the response object
                       itself, for a view's str or dict that
                       nothing else sees (``answer``)
``errors``             rendering Werkzeug's stock error page (404, ``app``
                       405 ...) and running it through force_type  (_http_excep
                       on every request: each page kept once; on   tion_response),
                       the plain road, sent without a response     ``dispatch``
                       object (``answer_error``)
``forms``              Werkzeug's form parser for urlencoded       ``wrappers``
                       bodies: a plain Content-Length body read    (Request)
                       from ``wsgi.input`` with LimitedStream's
                       checks, split into each name's values and
                       made a MultiDict through its pickle
                       protocol; ``files`` and the spent
                       ``stream`` made on first access
``templating``         Jinja's per-render context building and     ``templating``
                       call dispatch, dict item look-ups, and the  (Environment)
                       ``title`` filter's regex split and
                       MarkupSafe's ``escape`` (results remembered
                       per short plain string)
``sessions``           parsing a Cookie header that is just the    ``sessions``
                       session cookie; ``dump_cookie`` for the     (open_session,
                       session cookie: the text around the value   _set_session
                       kept per setting, the new value put in      _cookie)
                       between
``cookie_codec``       ``hmac.digest``, from the key's             ``_cookie_co
                       precomputed pads; zlib, for payloads too    dec``
                       short to gain from it                       (CookieCodec)
``dispatch``           the named steps of ``wsgi_app`` for an app  ``app``
                       with no hooks and no replaced step: the     (Flask.__call__)
                       same steps in one function
``proxies``            LocalProxy's four-call attribute read:      ``globals``
                       ``request.form`` in one (an attrgetter of   (the proxies)
                       the stack's ``top``), others in two
``memo``               (no step: the one cache type the modules    the modules
                       above share, with one eviction rule)        above
=====================  ==========================================  =============

``tests/test_speedups.py`` runs a representative set of requests in a
fresh interpreter where this package cannot be imported, and checks each
answer is byte for byte the one the shortcuts give.
"""
