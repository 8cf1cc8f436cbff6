"""Small apps written in the shape of Flask's example projects, for
tests/test_compat_examples.py."""
