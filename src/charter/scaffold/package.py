"""Where a project's own code lives: the one import package under `src/`."""

from __future__ import annotations

from pathlib import Path

from charter.scaffold.errors import ScaffoldError


def project_package(root: Path) -> Path:
    """`src/<package>`: the only folder under src/ with an `__init__.py`."""
    packages = sorted(p.parent for p in (root / "src").glob("*/__init__.py"))
    if len(packages) == 1:
        return packages[0]
    if not packages:
        raise ScaffoldError(
            f"{root / 'src'}: no package (a folder with __init__.py) to put the code in"
        )
    names = ", ".join(p.name for p in packages)
    raise ScaffoldError(f"{root / 'src'}: several packages ({names}); cannot tell which is yours")
