"""The fuzz tier: seeded hostile artifacts and data files, each run under a time and memory cap.

`artifact_cases(project, seed)` mutates one artifact of a rendered project per
case (text edits, hostile YAML, wrong types, special files); `data_cases(seed)`
writes a hostile Parquet or CSV file per case. A worker process
(`python fuzzing.py worker CASES RESULTS`) runs many cases in-process, each
under `signal.alarm`, and appends one JSON result per case; `run_cases`
restarts it after a crash or a hang, so one case cannot hide the others.
The worker's address space is capped with RLIMIT_AS, so a memory blow-up is a
failed case, not a stalled CI machine.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

CASE_SECONDS = 20
"""One case (a whole `charter check` or `charter validate`) may take this long: a hang otherwise."""
MEMORY_GB = 1
"""Address-space cap of a `charter check` worker; `charter validate` (polars) needs more."""
LOCATED = re.compile(r"^[^\s:][^:]*:\d+:\d+: [A-Z]+\d{3} \S", re.MULTILINE)
"""A `path:line:col: CODE message` line."""
ARTIFACTS = (
    "governance/contracts/patients.odcs.yaml",
    "governance/features/catalog.yaml",
    "governance/models/progression_regressor/card.md",
    "governance/checklists/ready-for-review.md",
    "governance/checklists/ready-for-production.md",
    ".copier-answers.yml",
    "pyproject.toml",
)
"""The files of the rendered example project the artifact cases mutate."""


@dataclass
class Case:
    """One hostile input: `ops` applied to a copy of the inputs, then one charter command."""

    name: str
    command: list[str]
    ops: list[dict[str, Any]] = field(default_factory=list)
    special: bool = False
    """The input is a special file (FIFO, device, symlink, folder, huge): a finding names it."""
    target: str = ""
    expect: str = ""
    """Words the exit-2 message must hold (a data file's encoding or kind named as such)."""


# -- hostile values -------------------------------------------------------------------------

HOSTILE_SCALARS = (
    "",
    "~",
    "null",
    "[]",
    "{}",
    "1e309",
    "-.inf",
    ".nan",
    "0x1F",
    "0o17",
    "2000-13-45",
    "12:30:61",
    "yes",
    "bmi@²",
    "'unterminated",
    '"\\ud800"',
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!python/object/apply:os.system ['true']",
    "!custom tag",
    "*undefined_alias",
    "&anchor value",
    "../../../../etc/passwd",
    "/etc/passwd",
    "javascript:alert(1)",
    "[x](javascript:alert(1))",
    "<script>alert(1)</script>",
    "\u202egnp.exe",
    "x" * 100_000,
    "- a\n- b",
    "{a: [1, {b: [2, {c: 3}]}]}",
    "99999999999999999999999999999999",
    "-1",
    "0",
    "3.14",
    "true",
    "@model-owner",
    "v1.0.0",
    "patients@1",
)
WRONG_VALUES: tuple[Any, ...] = (
    7,
    -1,
    0,
    1.5,
    10**30,
    float("nan"),
    float("inf"),
    "text",
    "",
    [1, "a"],
    [],
    {"a": 1},
    {},
    None,
    True,
    [[[[[[]]]]]],
)


def _billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    return "\n".join(lines) + "\n"


def _deep(depth: int, flow: bool) -> str:
    if flow:
        return "deep: " + "[" * depth + "]" * depth + "\n"
    return "".join(f"{'  ' * d}k{d}:\n" for d in range(depth)) + "  " * depth + "x\n"


# -- artifact mutations ---------------------------------------------------------------------


def _front_matter(text: str) -> tuple[str, str, str] | None:
    """(before, YAML, after) of a Markdown file's front matter, or None."""
    match = re.match(r"(---\n)(.*?\n)(---\n.*)", text, re.DOTALL)
    return match.groups() if match else None  # type: ignore[return-value]


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


def _set(data: Any, path: tuple, value: Any, *, delete: bool = False, rename: str = "") -> None:
    target = data
    for key in path[:-1]:
        target = target[key]
    last = path[-1]
    if delete:
        del target[last]
    elif rename and isinstance(target, dict):
        target[rename] = target.pop(last)
    else:
        target[last] = value


def _structured(text: str, rng: random.Random) -> str | None:
    """`text` (YAML, or Markdown with front matter) with one key deleted, renamed or retyped."""
    parts = _front_matter(text)
    body = parts[1] if parts else text
    try:
        data = yaml.safe_load(body)
    except yaml.YAMLError:
        return None
    paths = _paths(data)
    if not paths:
        return None
    path = rng.choice(paths)
    how = rng.choice(("delete", "rename", "retype", "retype", "retype"))
    if how == "delete":
        _set(data, path, None, delete=True)
    elif how == "rename" and isinstance(path[-1], str):
        _set(data, path, None, rename=path[-1] + rng.choice(("s", "_", "Id", " ")))
    else:
        _set(data, path, rng.choice(WRONG_VALUES))
    dumped = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return f"{parts[0]}{dumped}{parts[2]}" if parts else dumped


def _textual(text: str, rng: random.Random) -> tuple[str, bytes]:
    """One seeded text-level edit of `text`: (what was done, the new bytes)."""
    lines = text.splitlines(keepends=True)
    where = rng.randrange(len(lines))
    how = rng.choice(
        (
            "truncate",
            "junk bytes",
            "bad UTF-8",
            "delete line",
            "duplicate line",
            "swap lines",
            "indent",
            "dedent",
            "conflict marker",
            "hostile scalar",
            "hostile scalar",
            "hostile scalar",
            "tab indent",
            "second document",
            "alias bomb",
            "deep nesting",
            "bulk values",
            "CRLF",
            "BOM",
        )
    )
    raw = text.encode("utf-8")
    if how == "truncate":
        return how, raw[: rng.randrange(len(raw))]
    if how == "junk bytes":
        at = rng.randrange(len(raw))
        return how, raw[:at] + rng.randbytes(rng.randrange(1, 64)) + raw[at:]
    if how == "bad UTF-8":
        at = rng.randrange(len(raw))
        return how, raw[:at] + rng.choice((b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe9")) + raw[at:]
    if how == "delete line":
        del lines[where]
    elif how == "duplicate line":
        lines.insert(where, lines[where])
    elif how == "swap lines":
        other = rng.randrange(len(lines))
        lines[where], lines[other] = lines[other], lines[where]
    elif how == "indent":
        lines[where] = "  " + lines[where]
    elif how == "dedent":
        lines[where] = lines[where].lstrip(" ")
    elif how == "tab indent":
        lines[where] = "\t" + lines[where].lstrip(" ")
    elif how == "conflict marker":
        lines[where:where] = ["<<<<<<< before updating\n", "=======\n", ">>>>>>> after updating\n"]
    elif how == "hostile scalar":
        candidates = [i for i, line in enumerate(lines) if re.search(r":\s+\S", line)] or [where]
        where = rng.choice(candidates)
        key, _, _ = lines[where].partition(":")
        lines[where] = f"{key}: {rng.choice(HOSTILE_SCALARS)}\n"
    elif how == "second document":
        lines.append("---\nanother: document\n")
    elif how == "alias bomb":
        lines.append(_billion_laughs(rng.randrange(5, 10)))
    elif how == "deep nesting":
        lines.append(_deep(rng.choice((150, 900, 5000)), flow=rng.random() < 0.5))
    elif how == "bulk values":
        lines.append("bulk:\n" + "  - {row: 1}\n" * rng.choice((40_000, 90_000)))
    elif how == "CRLF":
        lines = [line.replace("\n", "\r\n") for line in lines]
    elif how == "BOM":
        return how, b"\xef\xbb\xbf" + raw
    return how, "".join(lines).encode("utf-8")


SPECIAL = (
    "fifo",
    "dev-zero",
    "dev-null",
    "outside symlink",
    "dangling symlink",
    "looping symlink",
    "directory",
    "empty",
    "oversize",
    "binary",
)


def artifact_cases(project: Path, seed: int, count: int) -> list[Case]:
    """`count` seeded mutants, each one edit of one artifact of `project` (a rendered project)."""
    rng = random.Random(seed)
    texts = {name: (project / name).read_text("utf-8") for name in ARTIFACTS}
    cases: list[Case] = []
    command = ["check", "--format", "json"]
    for name in ARTIFACTS:  # every special kind on every artifact, then random edits
        for kind in SPECIAL:
            cases.append(Case(f"{name}: {kind}", command, [{"special": kind}], True, name))
    while len(cases) < count:
        name = rng.choice(ARTIFACTS)
        text = texts[name]
        if rng.random() < 0.35 and not name.endswith(".toml"):
            mutated = _structured(text, rng)
            if mutated is None:
                continue
            how, content = "structure edit", mutated.encode("utf-8")
        else:
            how, content = _textual(text, rng)
        cases.append(
            Case(f"{name}: {how} #{len(cases)}", command, [{"write": content.hex()}], False, name)
        )
    for case in cases:
        for op in case.ops:
            op["path"] = case.target
    return cases[:count] if len(cases) > count else cases


# -- ReDoS: each pattern site over user text, fed its worst case ---------------------------

REDOS_SECONDS = 5
"""A worst case must finish well inside the tier's cap: linear work on a few hundred KB."""
CARD = "governance/models/progression_regressor/card.md"
CHECKLIST = "governance/checklists/ready-for-review.md"
CONTRACT_FILE = "governance/contracts/patients.odcs.yaml"


def _write(path: str, text: str) -> dict[str, Any]:
    return {"path": path, "write": text.encode("utf-8").hex()}


def _split_card(text: str) -> tuple[str, str]:
    """(front matter YAML, body) of the rendered card (`---` lines removed)."""
    _, front, body = text.split("---\n", 2)
    return front, body


def redos_cases(project: Path) -> list[Case]:
    r"""One `charter check` per pattern site, its input the site's worst case (issue 27).

    Each edit is of a few hundred KB at most, under every reader's bound, so the
    only way to exceed the cap is superlinear matching: the old `_BLANK_YAML`
    (exponential in blank lines), `_HEADING` and adopt's header pattern (cubic in
    spaces), the placeholder and `^\s*key` patterns (quadratic), and a user's
    `checklist_codes` on Python's backtracking engine.
    """
    card = (project / CARD).read_text("utf-8")
    front, body = _split_card(card)
    pyproject = (project / "pyproject.toml").read_text("utf-8")
    checklist = (project / CHECKLIST).read_text("utf-8")
    contract = (project / CONTRACT_FILE).read_text("utf-8")
    command = ["check", "--format", "json", "--stage", "production"]  # every rule runs
    blank = "\n" * 100_000
    sites = {
        "card front matter: 30 leading lines of 4 spaces": [
            _write(CARD, "---\n" + "    \n" * 30 + front + "---\n" + body)
        ],
        "card front matter: CRLF, 30 leading comment lines": [
            _write(CARD, ("---\n" + "# note\n" * 30 + front + "---\n" + body).replace("\n", "\r\n"))
        ],
        "card front matter: only 5,000 blank and comment lines": [
            _write(CARD, "---\n" + "  # c\n \t\n...\n" * 5_000 + "---\n" + body)
        ],
        "card headings: 6 headings with 2,000 inner spaces": [
            _write(CARD, card + "".join(f"\n# a{' ' * 2_000}b {i}\n" for i in range(6)))
        ],
        "card headings: 2,000 headings of 200 `#`": [
            _write(CARD, card + ("\n" + "#" * 200 + " x" + " #" * 100) * 2_000)
        ],
        "card placeholders: 100,000 `TODO(` on one line": [
            _write(CARD, card + "\n" + "TODO(" * 100_000 + "\n")
        ],
        "card code spans: 100,000 backticks on one line": [
            _write(CARD, card + "\n" + "`a" * 100_000 + "\n")
        ],
        "card: unclosed front matter over 100,000 blank lines": [
            _write(CARD, "---\n" + blank + front + body)
        ],
        "card: 100,000 leading blank lines before the front matter": [
            _write(CARD, blank + "--\n" + front + body)
        ],
        "pyproject: 100,000 blank lines inside [tool.charter]": [
            _write(
                "pyproject.toml",
                pyproject.replace("[tool.charter]\n", "[tool.charter]\n" + blank, 1),
            )
        ],
        "pyproject: local charter source after 100,000 blank lines": [
            _write(
                "pyproject.toml",
                pyproject.replace(
                    "[tool.uv.sources]\n",
                    "[tool.uv.sources]\n" + blank + 'other = { path = "x" }\n'
                    'charter = { path = "/opt/charter" }\n',
                    1,
                ).replace("\ncharter = { git", "\nold-charter = { git", 1),
            )
        ],
        "checklist_codes `^(A+)+$` against a 40-letter code": [
            _write(
                "pyproject.toml",
                pyproject.replace(
                    "[tool.charter]\n", "[tool.charter]\nchecklist_codes = '^(A+)+$'\n", 1
                ),
            ),
            _write(CHECKLIST, checklist.replace("rules: [", "rules: [" + "A" * 40 + "B, ", 1)),
        ],
        "checklist_codes with look-around (no linear engine takes it)": [
            _write(
                "pyproject.toml",
                pyproject.replace(
                    "[tool.charter]\n", "[tool.charter]\nchecklist_codes = '(?=A)A+'\n", 1
                ),
            ),
        ],
        "contract quality pattern of 1,000 nested groups": [
            _write(
                CONTRACT_FILE,
                contract.replace(
                    "    quality:\n",
                    "    quality:\n      - metric: invalidValues\n        arguments:\n"
                    "          properties: [patient_id]\n"
                    f"          pattern: '{'(' * 1_000}P{')' * 1_000}'\n        mustBe: 0\n",
                    1,
                ),
            )
        ],
        "adopt's header parsing: `[` and 3,000 spaces, 100 lines": [
            {
                "call": "charter.adopt.pyproject_merge:_sections",
                "text": ("[" + " " * 3_000 + "\n") * 100,
            }
        ],
        "schema messages: an unknown key of 3,000 quotes and backslashes": [
            _write(
                CHECKLIST,
                checklist.replace("---\n", "---\n" + yaml.safe_dump({"'\\" * 3_000: 1}), 1),
            )
        ],
    }
    return [
        Case(f"redos {name}", ["call"] if "call" in ops[0] else command, ops, False, "")
        for name, ops in sites.items()
    ]


# -- data files -----------------------------------------------------------------------------


def data_cases(seed: int, count: int) -> list[Case]:
    """`count` seeded hostile data files for `charter validate` against the fixture contract."""
    rng = random.Random(seed)
    kinds = [
        *(f"csv {how}" for how in _CSV_EDITS),
        *(f"parquet {how}" for how in _PARQUET_EDITS),
        *(f"special {kind}" for kind in ("fifo", "dev-zero", "directory", "dangling symlink")),
    ]
    cases = []
    for index in range(count):
        kind = kinds[index] if index < len(kinds) else rng.choice(kinds)
        suffix = ".parquet" if kind.startswith("parquet") else ".csv"
        if kind.startswith("special"):
            suffix = rng.choice((".csv", ".parquet"))
        data = f"data/patients-{index}{suffix}"
        cases.append(
            Case(
                f"{kind} #{index}",
                ["validate", data, "--contract", "contract.odcs.yaml"],
                [{"data": kind, "path": data, "seed": rng.randrange(2**32)}],
                kind.startswith("special"),
                data,
                _NAMED.get(kind, "not a regular file" if kind.startswith("special") else ""),
            )
        )
    return cases


_CSV_EDITS = (
    "utf-16",
    "utf-16 no BOM",
    "utf-32",
    "latin-1",
    "utf-8 BOM",
    "NUL bytes",
    "truncated",
    "ragged rows",
    "extra column",
    "no header",
    "duplicate header",
    "empty",
    "header only",
    "blank lines",
    "CRLF",
    "unterminated quote",
    "huge field",
    "wrong types",
    "random bytes",
    "gzip bytes",
    "parquet bytes",
    "semicolons",
    "huge numbers",
    "NaN and inf",
)
_NAMED = {
    "csv utf-16": "UTF-16 text",
    "csv utf-16 no BOM": "UTF-16 text without a byte-order mark",
    "csv utf-32": "UTF-32 text",
    "csv latin-1": "not UTF-8",
    "csv NUL bytes": "NUL bytes",
    "csv gzip bytes": "gzip-compressed",
    "csv parquet bytes": "a Parquet file",
}
"""What the message of each data kind must say: the real problem, not its symptoms."""
_PARQUET_EDITS = (
    "truncated",
    "random bytes",
    "csv bytes",
    "categorical id",
    "int as text",
    "list column",
    "struct column",
    "null column",
    "date as text",
    "NaN and inf",
    "uint64",
    "decimal",
    "binary",
    "duration",
    "zero rows",
    "missing column",
    "extra column",
    "enum id",
    "large string",
    "int8 ages",
)


def _write_data(path: Path, kind: str, seed: int) -> None:
    import datetime as dt  # noqa: PLC0415 - the worker only

    import polars as pl  # noqa: PLC0415

    rng = random.Random(seed)
    frame = pl.DataFrame(
        {
            "patient_id": ["P0001", "P0002", "P0003", "P0004"],
            "age": [40, 50, 60, 70],
            "sex": [1, 2, 1, 2],
            "bmi": [22.0, 30.1, 25.0, None],
            "bp": [90.0, 80.0, 100.0, 95.0],
            "s1": [100.0, 200.0, 300.0, 100.0],
            "s2": [1.0, 2.0, 3.0, 4.0],
            "smoker": [True, False, None, False],
            "visit": [dt.date(2020, 1, 1)] * 4,
            "progression": [100, 150, 200, 250],
        }
    )
    buffer = io.BytesIO()
    frame.write_csv(buffer)
    csv = buffer.getvalue()
    family, _, how = kind.partition(" ")
    if family == "special":
        if how == "fifo":
            os.mkfifo(path)
        elif how == "dev-zero":
            path.symlink_to("/dev/zero")
        elif how == "directory":
            path.mkdir()
        else:
            path.symlink_to("nowhere.csv")
        return
    if family == "csv":
        text = csv.decode()
        lines = text.splitlines(keepends=True)
        content = {
            "utf-16": lambda: text.encode("utf-16"),
            "utf-16 no BOM": lambda: text.encode("utf-16-le"),
            "utf-32": lambda: text.encode("utf-32"),
            "latin-1": lambda: text.replace("P0002", "Pé002").encode("latin-1"),
            "utf-8 BOM": lambda: b"\xef\xbb\xbf" + csv,
            "NUL bytes": lambda: csv.replace(b",", b",\x00", 3),
            "truncated": lambda: csv[: rng.randrange(1, len(csv))],
            "ragged rows": (lines[0] + "P0001,40\n" + "".join(lines[2:])).encode,
            "extra column": lambda: "".join(line.rstrip("\n") + ",x\n" for line in lines).encode(),
            "no header": lambda: "".join(lines[1:]).encode(),
            "duplicate header": lambda: text.replace("sex", "age", 1).encode(),
            "empty": lambda: b"",
            "header only": lines[0].encode,
            "blank lines": lambda: text.replace("\n", "\n\n\n").encode(),
            "CRLF": lambda: text.replace("\n", "\r\n").encode(),
            "unterminated quote": lambda: text.replace("P0003", '"P0003', 1).encode(),
            "huge field": lambda: text.replace("P0003", "P" * 2_000_000, 1).encode(),
            "wrong types": lambda: text.replace("40", "forty").replace("true", "maybe").encode(),
            "random bytes": lambda: rng.randbytes(rng.randrange(1, 4096)),
            "gzip bytes": lambda: b"\x1f\x8b\x08\x00" + rng.randbytes(200),
            "parquet bytes": lambda: b"PAR1" + rng.randbytes(300) + b"PAR1",
            "semicolons": lambda: text.replace(",", ";").encode(),
            "huge numbers": lambda: text.replace("40", "9" * 400).encode(),
            "NaN and inf": lambda: text.replace("22.0", "NaN").replace("90.0", "-inf").encode(),
        }[how]()
        path.write_bytes(content)
        return
    edits = {
        "categorical id": lambda f: f.with_columns(pl.col("patient_id").cast(pl.Categorical)),
        "enum id": lambda f: f.with_columns(
            pl.col("patient_id").cast(pl.Enum(["P0001", "P0002", "P0003", "P0004"]))
        ),
        "int as text": lambda f: f.with_columns(pl.col("age").cast(pl.String)),
        "list column": lambda f: f.with_columns(pl.col("age").map_elements(lambda a: [a, a])),
        "struct column": lambda f: f.with_columns(pl.struct("age", "sex").alias("age")),
        "null column": lambda f: f.with_columns(pl.lit(None).alias("age")),
        "date as text": lambda f: f.with_columns(pl.col("visit").cast(pl.String)),
        "NaN and inf": lambda f: f.with_columns(
            pl.Series("bmi", [float("nan"), float("inf"), -float("inf"), None])
        ),
        "uint64": lambda f: f.with_columns(pl.Series("age", [2**64 - 1] * 4, dtype=pl.UInt64)),
        "decimal": lambda f: f.with_columns(pl.col("bmi").cast(pl.Decimal(10, 2))),
        "binary": lambda f: f.with_columns(pl.col("patient_id").cast(pl.Binary)),
        "duration": lambda f: f.with_columns(pl.duration(days=pl.col("age")).alias("age")),
        "zero rows": lambda f: f.head(0),
        "missing column": lambda f: f.drop(rng.choice(f.columns)),
        "extra column": lambda f: f.with_columns(pl.lit("x").alias("surprise")),
        "large string": lambda f: f.with_columns(pl.lit("P" * 1_000_000).alias("patient_id")),
        "int8 ages": lambda f: f.with_columns(pl.col("age").cast(pl.Int8)),
    }
    if how in edits:
        edits[how](frame).write_parquet(path)
        return
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    parquet = buffer.getvalue()
    content = {
        "truncated": lambda: parquet[: rng.randrange(1, len(parquet))],
        "random bytes": lambda: rng.randbytes(rng.randrange(1, 4096)),
        "csv bytes": lambda: csv,
    }[how]()
    path.write_bytes(content)


# -- applying a case ------------------------------------------------------------------------


def _apply(op: dict[str, Any], root: Path, outside: Path) -> None:
    if "call" in op:  # a pattern site no command feeds hostile text: call it on the text
        import importlib  # noqa: PLC0415

        module, _, name = op["call"].partition(":")
        getattr(importlib.import_module(module), name)(op["text"])
        return
    path = root / op["path"]
    if "data" in op:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_data(path, op["data"], op["seed"])
        return
    original = path.read_bytes()
    if "write" in op:
        path.write_bytes(bytes.fromhex(op["write"]))
        return
    kind = op["special"]
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dev-null":
        path.symlink_to("/dev/null")
    elif kind == "outside symlink":
        target = outside / path.name
        target.write_bytes(original)
        path.symlink_to(target)
    elif kind == "dangling symlink":
        path.symlink_to(f"{path.name}.gone")
    elif kind == "looping symlink":
        path.symlink_to(path.name)
    elif kind == "directory":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "oversize":
        with path.open("wb") as stream:
            stream.write(original)
            stream.write(b"# padding\n" * 600_000)
    elif kind == "binary":
        path.write_bytes(b"\x00\x01\x02" + original)


def _restore(op: dict[str, Any], root: Path, pristine: Path) -> None:
    if "call" in op:
        return
    path = root / op["path"]
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()
    source = pristine / op["path"]
    if source.exists():
        shutil.copy2(source, path)


class _Hang(BaseException):
    """Raised by the alarm: a BaseException, so the CLI's catch-all does not swallow it."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Hang


def run_one(case: Case, root: Path, pristine: Path, outside: Path) -> dict[str, Any]:
    """Apply `case` to `root`, run its command in-process under the alarm, restore `root`."""
    from charter.cli import main  # noqa: PLC0415 - imported once per worker

    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    result: dict[str, Any] = {"name": case.name}
    try:
        signal.alarm(CASE_SECONDS)  # a `call` op is the case itself: it runs under the alarm too
        try:
            for op in case.ops:
                _apply(op, root, outside)
            if case.command == ["call"]:
                code = 0
            else:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    code = main([*case.command, "--project", str(root)])
        finally:
            signal.alarm(0)
        result["exit"] = code
    except _Hang:
        result["exit"] = None
        result["hang"] = True
    except BaseException as error:
        result["exit"] = None
        result["crash"] = f"{type(error).__name__}: {error}"
    finally:
        for op in case.ops:
            _restore(op, root, pristine)
    result["seconds"] = round(time.monotonic() - started, 3)
    result["stdout"] = out.getvalue()
    result["stderr"] = err.getvalue()[-4000:]
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return result


def worker(cases_file: Path, results_file: Path, start: int) -> None:
    """Run the cases from index `start` on, appending one JSON line per finished case."""
    spec = json.loads(cases_file.read_text("utf-8"))
    root, pristine, outside = Path(spec["root"]), Path(spec["pristine"]), Path(spec["outside"])
    os.chdir(root)
    signal.signal(signal.SIGALRM, _on_alarm)
    with results_file.open("a", encoding="utf-8") as stream:
        for index in range(start, len(spec["cases"])):
            case = Case(**spec["cases"][index])
            result = run_one(case, root, pristine, outside)
            result["index"] = index
            stream.write(json.dumps(result) + "\n")
            stream.flush()


def _limit(gigabytes: float) -> None:
    cap = int(gigabytes * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def run_cases(
    cases: list[Case], root: Path, workdir: Path, env: dict[str, str], memory_gb: float = MEMORY_GB
) -> list[dict]:
    """Every case's result, restarting the worker after a crash or a hang (that case fails)."""
    workdir.mkdir(parents=True, exist_ok=True)
    pristine = workdir / "pristine"
    outside = workdir / "outside"
    if not pristine.exists():
        shutil.copytree(root, pristine, symlinks=True)
    outside.mkdir(exist_ok=True)
    spec = {
        "root": str(root),
        "pristine": str(pristine),
        "outside": str(outside),
        "cases": [asdict(case) for case in cases],
    }
    cases_file = workdir / "cases.json"
    cases_file.write_text(json.dumps(spec), "utf-8")
    results_file = workdir / "results.jsonl"
    results: dict[int, dict] = {}
    start = 0
    while start < len(cases):
        process = subprocess.Popen(
            [sys.executable, __file__, "worker", str(cases_file), str(results_file), str(start)],
            env=env,
            preexec_fn=functools.partial(_limit, memory_gb),  # noqa: PLW1509 - before exec
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        budget = (len(cases) - start) * CASE_SECONDS + 60
        try:
            _, stderr = process.communicate(timeout=budget)
        except subprocess.TimeoutExpired:
            process.kill()
            _, stderr = process.communicate()
        for line in results_file.read_text("utf-8").splitlines():
            result = json.loads(line)
            results[result["index"]] = result
        done = max(results, default=-1) + 1
        if (done < len(cases) and done == start) or (done < len(cases) and process.returncode):
            # the worker died inside case `done` (crash, memory cap or hang): record, skip it
            results[done] = {
                "index": done,
                "name": cases[done].name,
                "exit": None,
                "crash": f"worker died (exit {process.returncode}): "
                + stderr.decode("utf-8", "replace")[-2000:],
            }
            for op in cases[done].ops:
                _restore(op, root, pristine)
            done += 1
        start = done
    return [results[index] for index in range(len(cases))]


def problems(case: Case, result: dict[str, Any]) -> list[str]:
    """What is wrong with one case's outcome (empty: it ended the way Charter promises)."""
    found = []
    output = result.get("stdout", "") + result.get("stderr", "")
    if result.get("hang"):
        found.append(f"hang (over {CASE_SECONDS} s)")
    if result.get("crash"):
        found.append(f"crash: {result['crash']}")
    if result.get("exit") not in (0, 1, 2):
        return found or [f"exit {result.get('exit')}"]
    if "Traceback" in output or "internal error" in output:
        found.append("traceback or internal error")
    if case.name.startswith("redos ") and result.get("seconds", 0) > REDOS_SECONDS:
        found.append(f"took {result['seconds']} s (a worst case must take under {REDOS_SECONDS} s)")
    if case.command[0] == "call":
        pass
    elif case.command[0] == "check":
        found += _check_problems(case, result)
    elif result["exit"] == 2 and not result["stderr"].startswith("charter validate: "):
        found.append("exit 2 without a `charter validate:` sentence")
    elif case.expect and (result["exit"] != 2 or case.expect not in result["stderr"]):
        found.append(f"exit {result['exit']}, and the message does not say {case.expect!r}")
    return found


def _check_problems(case: Case, result: dict[str, Any]) -> list[str]:
    if result["exit"] == 2:
        return ["charter check exited 2 on an artifact problem"]
    if result["exit"] == 0:
        return ["a special file was not reported"] if case.special else []
    try:
        rows = json.loads(result["stdout"])["findings"]
    except ValueError:
        return ["--format json output is not JSON"]
    located = [
        r
        for r in rows
        if isinstance(r.get("line"), int)
        and isinstance(r.get("col"), int)
        and r["line"] >= 1
        and r["col"] >= 1
        and re.fullmatch(r"[A-Z]+\d{3}", str(r.get("code")))
    ]
    if not located:
        return ["exit 1 without a located finding"]
    if case.special and not any(r["path"] == case.target for r in located):
        return [f"no finding names {case.target}"]
    return []


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        worker(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
