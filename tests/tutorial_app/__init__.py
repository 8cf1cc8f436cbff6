"""A blog app in the shape of the Flask tutorial, used by test_tutorial.py."""
