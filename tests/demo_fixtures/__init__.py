"""Helpers and sample files for the demo app's tests (tests/test_demo*.py)."""
