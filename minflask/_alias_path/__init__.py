"""Not imported by minflask: :func:`minflask.flask_alias.path` puts this
directory on a child process's ``PYTHONPATH`` for the ``flask`` stand-in."""
