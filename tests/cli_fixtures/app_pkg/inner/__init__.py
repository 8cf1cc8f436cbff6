"""A subpackage without an app of its own."""
