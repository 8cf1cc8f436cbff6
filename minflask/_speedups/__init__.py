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
=====================  ==========================================  =============
"""
