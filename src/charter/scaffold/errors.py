"""The one error scaffolding raises: a message fit to show a person, never a traceback."""

from __future__ import annotations


class ScaffoldError(Exception):
    """Input that cannot become an artifact: a missing file, unreadable data, a taken name."""
