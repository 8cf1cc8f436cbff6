"""Benchmarks: minflask against Flask 3.1.3, Bottle and bare Werkzeug.

Run ``python3 dev.py bench`` (``--quick`` for a short run, ``--help`` for
options). The modules, in the order a run uses them:

- ``apps``, ``bottle_apps``, ``werkzeug_apps``: the scenarios as application
  code; ``apps`` is written once and runs on minflask and on Flask.
- ``scenarios``: each scenario's request, expected answer and apps.
- ``wsgi``: the in-process WSGI call that checks and timings share.
- ``compare``: minflask's response against Flask's.
- ``runner``: calibrated batches in interleaved rounds.
- ``coldimport``, ``memory``: import time and memory growth.
- ``stats``, ``report``, ``chart``: ratios, targets, table, JSON and PNG.
"""
