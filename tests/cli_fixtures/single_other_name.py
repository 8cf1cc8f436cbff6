"""A module holding one app under an unconventional name."""

from __future__ import annotations

from minflask import Flask

my_site = Flask("single_other_name")
