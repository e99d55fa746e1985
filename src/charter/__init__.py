"""Charter: checks that keep an ML project's governance artifacts honest."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`charter.__version__`, read from the installed metadata only when asked.

    importlib.metadata costs tens of milliseconds to import, and most commands
    never need the version.
    """
    if name != "__version__":
        raise AttributeError(f"module 'charter' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        found = version("charter")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0"
    globals()["__version__"] = found
    return found
