"""Flask 3.1's ``flask.sansio`` module paths, for extensions that import them.

Flask splits its app and blueprint classes into a server-independent base
(here) and a WSGI part. minflask keeps each class whole in its own module;
these modules give the names Flask's paths lead to: ``App``, the base class
of :class:`minflask.Flask`, and the scaffold and blueprint names re-exported.
"""
