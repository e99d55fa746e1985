"""Every write of Charter goes through `charter.writes`: a new bypass fails here.

The scan reads src/charter's syntax trees and flags the calls that write a
file or folder directly: `Path.write_text`/`write_bytes`, `open()` for
writing, `shutil.copy*`/`move`, `os.replace`/`rename`, `Path.replace`/
`rename`/`touch`/`mkdir`, `os.makedirs`. Only the writer itself may make
them, and the few places listed in ALLOWED, each with the reason it is safe.
"""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).parents[2] / "src" / "charter"
WRITER = SOURCE / "writes.py"

WRITE_METHODS = {"write_text", "write_bytes", "touch", "mkdir", "symlink_to", "hardlink_to"}
MOVE_METHODS = {"replace", "rename"}  # Path's take one argument; str.replace takes two
MODULE_CALLS = {
    ("os", "replace"),
    ("os", "rename"),
    ("os", "renames"),
    ("os", "makedirs"),
    ("os", "mkdir"),
    ("os", "link"),
    ("os", "symlink"),
    ("shutil", "copy"),
    ("shutil", "copy2"),
    ("shutil", "copyfile"),
    ("shutil", "copytree"),
    ("shutil", "move"),
}
# Modules whose one-argument replace/rename is not a file move.
NOT_PATHS = {"os", "dataclasses"}
# Receivers whose write_text/write_bytes are the writer's own functions.
WRITER_MODULES = {"writes", "atomic"}

# (file relative to src/charter, call) -> why it may bypass the writer.
ALLOWED: dict[tuple[str, str], str] = {}


def _mode(call: ast.Call, position: int) -> str | None:
    """The literal mode of an open() call (`position` of the mode argument), if any."""
    for keyword in call.keywords:
        if keyword.arg == "mode" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    if len(call.args) > position and isinstance(call.args[position], ast.Constant):
        return str(call.args[position].value)
    return None


def _writes(mode: str | None) -> bool:
    return mode is not None and any(flag in mode for flag in "wax+")


def direct_writes(path: Path) -> list[str]:
    """`LINE: CALL` for each direct write in the module at `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = None
        if isinstance(func, ast.Name) and func.id == "open" and _writes(_mode(node, 1)):
            name = "open"
        elif isinstance(func, ast.Attribute):
            receiver = func.value.id if isinstance(func.value, ast.Name) else None
            if (receiver, func.attr) in MODULE_CALLS:
                name = f"{receiver}.{func.attr}"
            elif (func.attr in WRITE_METHODS and receiver not in WRITER_MODULES) or (
                func.attr in MOVE_METHODS and len(node.args) == 1 and receiver not in NOT_PATHS
            ):
                name = f".{func.attr}"
            elif func.attr == "open" and receiver != "os" and _writes(_mode(node, 0)):
                name = ".open"
        if name is not None:
            found.append(f"{node.lineno}: {name}")
    return found


def test_nothing_in_charter_writes_around_the_writer():
    bypasses = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path == WRITER:
            continue
        relative = path.relative_to(SOURCE).as_posix()
        for hit in direct_writes(path):
            if (relative, hit.split(": ", 1)[1]) not in ALLOWED:
                bypasses.append(f"src/charter/{relative}:{hit}")
    assert bypasses == [], "write through charter.writes instead:\n" + "\n".join(bypasses)


def test_the_scan_sees_each_kind_of_bypass(tmp_path: Path):
    module = tmp_path / "bad.py"
    module.write_text(
        "import os, shutil\n"
        "from pathlib import Path\n"
        "p = Path('x')\n"
        "p.write_text('a')\n"
        "p.write_bytes(b'a')\n"
        "open('f', 'w')\n"
        "p.open('a')\n"
        "p.open(mode='x')\n"
        "shutil.copy2('a', 'b')\n"
        "os.replace('a', 'b')\n"
        "p.replace('b')\n"
        "p.parent.mkdir(parents=True)\n"
        "'text'.replace('a', 'b')\n"
        "open('f')\n"
        "p.open('rb')\n"
        "writes.write_text(p, 'a')\n"
    )
    assert [hit.split(": ")[1] for hit in direct_writes(module)] == [
        ".write_text",
        ".write_bytes",
        "open",
        ".open",
        ".open",
        "shutil.copy2",
        "os.replace",
        ".replace",
        ".mkdir",
    ]
